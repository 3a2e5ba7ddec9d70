/** A Bot API token as @BotFather issues it: the bot's numeric id, a colon, then the secret part. */
export const TELEGRAM_BOT_TOKEN_PATTERN = /^(\d{1,20}):[A-Za-z0-9_-]{30,100}$/;

/**
 * The bot id of a token (the digits before ':'). It identifies the bot across token regenerations, so it is what
 * "the same bot connected twice" compares. null for a malformed token.
 */
export function botIdOf(token: string): string | null {
  return TELEGRAM_BOT_TOKEN_PATTERN.exec(token)?.[1] ?? null;
}
