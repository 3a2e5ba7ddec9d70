import { createHmac } from 'node:crypto';
import { secretsEqual } from '@crm/connector-kit';

/** What setWebhook accepts as `secret_token`: 1–256 characters of A-Z a-z 0-9 _ - (PLATFORMS.md §1). */
export const TELEGRAM_SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** The header Telegram puts the secret_token into on every webhook call. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * The secret_token of a channel that has no generated webhook secret of its own: HMAC-SHA256(SECRETS_KEY,
 * "telegram-webhook:" + channelId) as base64url (43 characters of the allowed alphabet). Deterministic, so every
 * connector instance and every restart agrees on it without storing anything; unguessable without SECRETS_KEY;
 * unrelated to the bot token (which must never be the secret nor appear in the URL).
 */
export function deriveWebhookSecret(secretsKey: Buffer, channelId: string): string {
  return createHmac('sha256', secretsKey).update(`telegram-webhook:${channelId}`, 'utf8').digest('base64url');
}

/**
 * Compares the header Telegram sent with the expected secret in constant time (the kit's secretsEqual): a missing,
 * repeated or over-long header never matches.
 */
export function secretTokenMatches(expected: string, received: string | string[] | undefined): boolean {
  return secretsEqual(expected, received);
}
