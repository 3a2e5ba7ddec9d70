/**
 * Incoming webhook URL: `https://{portal}/rest/{user_id}/{code}/` (PLATFORMS.md §5). The shape only; whether the URL
 * may be called (https, public address) is CrmUrlPolicy's decision, so tests can use `http://127.0.0.1:<port>/…`.
 */
export const BITRIX24_WEBHOOK_URL_PATTERN =
  /^https?:\/\/((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?\/rest\/(\d{1,10})\/([A-Za-z0-9]{8,64})\/?$/i;

export interface Bitrix24Webhook {
  /** `…/rest/{user_id}/{code}/` with a trailing slash: method names are appended. */
  base: string;
  /** Host of the portal, lower case (e.g. `shop.bitrix24.ru`). */
  portal: string;
  userId: number;
  code: string;
}

/** Parses a webhook URL, or null when it is not one. */
export function parseBitrix24Webhook(url: string): Bitrix24Webhook | null {
  const match = BITRIX24_WEBHOOK_URL_PATTERN.exec(url.trim());
  if (!match) return null;
  const [, portal, userId, code] = match;
  const base = url.trim().replace(/\/?$/, '/');
  return { base, portal: portal.toLowerCase(), userId: Number(userId), code };
}
