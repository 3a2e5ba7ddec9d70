import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { assessHealthCheckFailure, type TelegramChannelState } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { HealthReporter } from '../health/health-reporter';
import { telegramMetrics } from '../metrics/telegram-metrics';
import { UPDATE_SOURCE, type UpdateSource } from '../update-sources/update-source.port';

/**
 * An active channel starts receiving its bot's updates (setWebhook, or long polling in development). The outcome is
 * the channel's health: active, or needs-reauth / degraded with Telegram's reason (the health monitor retries).
 */
@Injectable()
export class ConnectChannelUseCase {
  constructor(
    @Inject(UPDATE_SOURCE) private readonly source: UpdateSource,
    private readonly health: HealthReporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(channel: TelegramChannelState): Promise<boolean> {
    try {
      await this.source.connect(channel);
      telegramMetrics.connections.inc({ action: 'connect', result: 'ok' });
      this.logger.info({ channelId: channel.channelId }, 'telegram channel connected');
      await this.health.report(channel, { status: 'active' });
      return true;
    } catch (err) {
      const health = assessHealthCheckFailure(err);
      telegramMetrics.connections.inc({ action: 'connect', result: 'failed' });
      this.logger.warn({ channelId: channel.channelId, cause: health.causeCode, detail: health.message }, 'telegram channel could not be connected');
      await this.health.report(channel, health);
      return false;
    }
  }
}
