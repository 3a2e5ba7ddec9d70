import type { ChannelHealthStatus } from '@crm/contracts';
import { classifyTelegramError } from '../bot-api/telegram-bot-api';
import type { TelegramWebhookInfo } from './telegram-webhook.client';

/** A channel's health as the connector sees it (`data` of channel.health without the timestamp). */
export interface TelegramHealth {
  status: ChannelHealthStatus;
  causeCode?: string;
  message?: string;
}

export const TelegramHealthCause = {
  /** Telegram rejects the bot token (revoked or regenerated in @BotFather). */
  TokenInvalid: 'TELEGRAM_TOKEN_INVALID',
  /** Telegram recently failed to deliver an update to our webhook (its own error message is attached). */
  WebhookDeliveryFailed: 'TELEGRAM_WEBHOOK_DELIVERY_FAILED',
  /** The webhook registered at Telegram is not ours (removed, or set by someone else with the same token). */
  WebhookNotSet: 'TELEGRAM_WEBHOOK_NOT_SET',
  /** Telegram could not be asked (network, 5xx, flood control). */
  PlatformUnavailable: 'PLATFORM_UNAVAILABLE',
} as const;

/**
 * getWebhookInfo → health. `expectedUrl` null means long polling (no webhook should be set and delivery errors do
 * not apply). A delivery error younger than `recentErrorSeconds` makes the channel degraded with Telegram's message.
 */
export function assessWebhookInfo(
  info: TelegramWebhookInfo,
  options: { expectedUrl: string | null; nowSeconds: number; recentErrorSeconds: number },
): TelegramHealth {
  if (options.expectedUrl === null) return { status: 'active' };
  if (info.url !== options.expectedUrl) {
    return { status: 'degraded', causeCode: TelegramHealthCause.WebhookNotSet, message: info.url ? 'the bot webhook points elsewhere' : 'the bot has no webhook' };
  }
  if (typeof info.last_error_date === 'number' && options.nowSeconds - info.last_error_date <= options.recentErrorSeconds) {
    return {
      status: 'degraded',
      causeCode: TelegramHealthCause.WebhookDeliveryFailed,
      message: (info.last_error_message ?? 'delivery failed').slice(0, 1000),
    };
  }
  return { status: 'active' };
}

/** A failed getWebhookInfo → health: a rejected token needs re-authorization, anything else is an outage. */
export function assessHealthCheckFailure(err: unknown): TelegramHealth {
  const failure = classifyTelegramError(err);
  if (failure.kind === 'rejected') {
    return { status: 'needs-reauth', causeCode: TelegramHealthCause.TokenInvalid, message: `Telegram: ${failure.errorCode} ${failure.description}`.slice(0, 1000) };
  }
  return { status: 'degraded', causeCode: TelegramHealthCause.PlatformUnavailable, message: `Telegram: ${failure.errorCode ?? ''} ${failure.description}`.replace(/\s+/g, ' ').trim().slice(0, 1000) };
}
