/** Base path of Avito webhooks on PUBLIC_URL (DESIGN §5): `/webhooks/avito/:channelId/:hookSecret`. */
export const AVITO_WEBHOOK_PATH = '/webhooks/avito';

/** The URL the connector subscribes for a channel (`PUBLIC_URL` without a trailing slash is fine either way). */
export function avitoWebhookUrl(publicUrl: string, channelId: string, hookSecret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${AVITO_WEBHOOK_PATH}/${encodeURIComponent(channelId)}/${encodeURIComponent(hookSecret)}`;
}
