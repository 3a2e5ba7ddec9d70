import type { ChannelSecrets, ConnectorChannel } from '@crm/connector-kit';
import { deriveWebhookSecret, TELEGRAM_SECRET_TOKEN_PATTERN } from '../webhook/webhook-secret';

/** What the connector knows about one Telegram channel (from channels.config.v1, secrets decrypted in memory only). */
export interface TelegramChannelState extends ConnectorChannel {
  botToken: string;
  /** The secret_token Telegram must echo on every webhook call. */
  webhookSecret: string;
}

/**
 * A Telegram channel's state from its record (the kit's ChannelStatePort):
 * - the bot token from the encrypted credentials `{ botToken }`;
 * - the webhook secret_token: the random secret the api generated for the channel when Telegram accepts it, else
 *   derived from SECRETS_KEY and the channel id (deriveWebhookSecret).
 * A bot token always contains ':', which the secret_token alphabet excludes, so the two can never coincide.
 */
export function resolveTelegramChannel(base: ConnectorChannel, secrets: ChannelSecrets): TelegramChannelState {
  const botToken = secrets.credentials.botToken;
  if (typeof botToken !== 'string' || botToken.length === 0) throw new Error(`channel ${base.channelId} has no bot token`);
  const generated = secrets.webhookSecret;
  const webhookSecret = generated !== null && TELEGRAM_SECRET_TOKEN_PATTERN.test(generated) ? generated : deriveWebhookSecret(secrets.secretsKey, base.channelId);
  return { ...base, botToken, webhookSecret };
}

/** What the bot's webhook registration depends on: a new token or secret while active re-registers it. */
export function telegramConnectionKey(channel: TelegramChannelState): string {
  return `${channel.botToken}\u0000${channel.webhookSecret}`;
}
