import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ChannelHealth, ChannelLifecyclePort } from '@crm/connector-kit';
import { assessHealthCheckFailure, telegramConnectionKey, type TelegramChannelState } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { UPDATE_SOURCE, type UpdateSource } from '../update-sources/update-source.port';

/**
 * ChannelLifecyclePort: an active channel starts receiving its bot's updates (setWebhook, or long polling in
 * development); a deactivated, failed or deleted one stops (deleteWebhook / stop polling), best effort — a revoked
 * token cannot remove anything, and later webhook calls are answered 404 anyway. A new token or secret re-registers.
 */
@Injectable()
export class TelegramLifecycleAdapter implements ChannelLifecyclePort<TelegramChannelState> {
  constructor(
    @Inject(UPDATE_SOURCE) private readonly source: UpdateSource,
    private readonly bots: BotApiCache,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  connectionKey(channel: TelegramChannelState): string {
    return telegramConnectionKey(channel);
  }

  async connect(channel: TelegramChannelState): Promise<ChannelHealth> {
    try {
      await this.source.connect(channel);
      this.logger.info({ channelId: channel.channelId }, 'telegram channel connected');
      return { status: 'active' };
    } catch (err) {
      const health = assessHealthCheckFailure(err);
      this.logger.warn({ channelId: channel.channelId, cause: health.causeCode, detail: health.message }, 'telegram channel could not be connected');
      return health;
    }
  }

  async disconnect(channel: TelegramChannelState): Promise<void> {
    try {
      await this.source.disconnect(channel);
      this.logger.info({ channelId: channel.channelId }, 'telegram channel disconnected');
    } finally {
      this.bots.forget(channel.botToken);
    }
  }
}
