import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { TelegramChannelState } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { HealthReporter } from '../health/health-reporter';
import { telegramMetrics } from '../metrics/telegram-metrics';
import { UPDATE_SOURCE, type UpdateSource } from '../update-sources/update-source.port';

export type DisconnectReason = 'deleted' | 'token-replaced' | 'inactive' | 'error';

/**
 * A deactivated, failed or deleted channel stops receiving updates (deleteWebhook / stop polling), best effort: a
 * revoked token cannot remove anything, and later webhook calls for the channel are answered 404 anyway.
 */
@Injectable()
export class DisconnectChannelUseCase {
  constructor(
    @Inject(UPDATE_SOURCE) private readonly source: UpdateSource,
    private readonly bots: BotApiCache,
    private readonly health: HealthReporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `reason`: deleted (tombstone: nothing is reported about the channel any more), token-replaced (it reconnects with
   * the new token right after), or the channel's new status (inactive / error: reported as disconnected).
   */
  async execute(channel: TelegramChannelState, reason: DisconnectReason): Promise<void> {
    try {
      await this.source.disconnect(channel);
      telegramMetrics.connections.inc({ action: 'disconnect', result: 'ok' });
      this.logger.info({ channelId: channel.channelId }, 'telegram channel disconnected');
    } catch (err) {
      telegramMetrics.connections.inc({ action: 'disconnect', result: 'failed' });
      this.logger.warn({ channelId: channel.channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'telegram webhook not removed');
    }
    this.bots.forget(channel.botToken);
    if (reason === 'deleted') this.health.forget(channel.channelId);
    else if (reason !== 'token-replaced') await this.health.report(channel, { status: 'disconnected', causeCode: 'CHANNEL_INACTIVE', message: `channel is ${reason}` });
  }
}
