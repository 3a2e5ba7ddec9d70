import type { ChannelConfigData } from '@crm/contracts';
import { decryptJson, decryptSecret } from '@crm/secrets';
import { deriveWebhookSecret, TELEGRAM_SECRET_TOKEN_PATTERN } from '../webhook/webhook-secret';
import type { TelegramSecretsResolver } from './telegram-channel-registry';

/**
 * Reads a Telegram channel's credentials from its config record with SECRETS_KEY:
 * - the bot token from `encryptedSecrets` (encrypted JSON `{ botToken }`);
 * - the webhook secret_token from `webhookSecret` (the random secret the api generated for the channel) when the
 *   record carries one that Telegram accepts, else derived from SECRETS_KEY and the channel id (deriveWebhookSecret).
 * A bot token always contains ':', which the secret_token alphabet excludes, so the two can never coincide.
 */
export function telegramSecretsResolver(secretsKey: Buffer): TelegramSecretsResolver {
  return (config: ChannelConfigData) => {
    if (!config.encryptedSecrets) throw new Error(`channel ${config.channelId} has no encrypted credentials`);
    const { botToken } = decryptJson<{ botToken?: unknown }>(config.encryptedSecrets, secretsKey);
    if (typeof botToken !== 'string' || botToken.length === 0) throw new Error(`channel ${config.channelId} has no bot token`);
    const generated = config.webhookSecret ? decryptSecret(config.webhookSecret, secretsKey) : null;
    const webhookSecret = generated !== null && TELEGRAM_SECRET_TOKEN_PATTERN.test(generated) ? generated : deriveWebhookSecret(secretsKey, config.channelId);
    return { botToken, webhookSecret };
  };
}
