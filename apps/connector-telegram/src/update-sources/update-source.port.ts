import type { TelegramChannelState } from '@crm/platform-telegram';

/**
 * How a bot's updates reach the connector — the one capability that differs between TELEGRAM_MODE=webhook (Telegram
 * calls PUBLIC_URL/webhooks/telegram/:channelId) and TELEGRAM_MODE=polling (development: the connector long-polls).
 */
export interface UpdateSource {
  /** Starts receiving the bot's updates (setWebhook / start a long-polling loop). Throws the Bot API error. */
  connect(channel: TelegramChannelState): Promise<void>;
  /** Stops receiving them (deleteWebhook / stop the loop). */
  disconnect(channel: TelegramChannelState): Promise<void>;
  /** The webhook URL Telegram must report for the channel; null when no webhook should be set (polling). */
  expectedWebhookUrl(channelId: string): string | null;
}

export const UPDATE_SOURCE = Symbol('UPDATE_SOURCE');
