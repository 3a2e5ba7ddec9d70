import { Inject, Injectable } from '@nestjs/common';
import { type TelegramChannelState, TelegramWebhookClient, telegramWebhookUrl } from '@crm/platform-telegram';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import type { UpdateSource } from './update-source.port';

/** TELEGRAM_MODE=webhook: setWebhook(PUBLIC_URL/webhooks/telegram/:channelId, secret_token, allowed_updates). */
@Injectable()
export class WebhookUpdateSource implements UpdateSource {
  constructor(
    private readonly bots: BotApiCache,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
  ) {}

  async connect(channel: TelegramChannelState): Promise<void> {
    await this.client(channel).register({
      url: telegramWebhookUrl(this.config.PUBLIC_URL, channel.channelId),
      secretToken: channel.webhookSecret,
      maxConnections: this.config.TELEGRAM_WEBHOOK_MAX_CONNECTIONS,
    });
  }

  async disconnect(channel: TelegramChannelState): Promise<void> {
    await this.client(channel).remove();
  }

  expectedWebhookUrl(channelId: string): string {
    return telegramWebhookUrl(this.config.PUBLIC_URL, channelId);
  }

  private client(channel: TelegramChannelState): TelegramWebhookClient {
    return new TelegramWebhookClient(this.bots.for(channel.botToken));
  }
}
