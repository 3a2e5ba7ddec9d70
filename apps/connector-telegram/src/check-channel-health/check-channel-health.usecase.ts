import { Inject, Injectable } from '@nestjs/common';
import { assessHealthCheckFailure, assessWebhookInfo, type TelegramChannelState, TelegramHealthCause, type TelegramHealth, TelegramWebhookClient } from '@crm/platform-telegram';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { ConnectChannelUseCase } from '../connect-channel/connect-channel.usecase';
import { HealthReporter } from '../health/health-reporter';
import { UPDATE_SOURCE, type UpdateSource } from '../update-sources/update-source.port';

/**
 * getWebhookInfo of one active bot → its health on channels.status.v1: a recent delivery error → degraded with
 * Telegram's message; 401 → needs-reauth; Telegram unreachable → degraded. A webhook that is not ours any more (never
 * registered because Telegram was down, or removed by someone) is registered again.
 */
@Injectable()
export class CheckChannelHealthUseCase {
  constructor(
    private readonly bots: BotApiCache,
    @Inject(UPDATE_SOURCE) private readonly source: UpdateSource,
    private readonly connect: ConnectChannelUseCase,
    private readonly health: HealthReporter,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
  ) {}

  async execute(channel: TelegramChannelState): Promise<TelegramHealth> {
    let health: TelegramHealth;
    try {
      const info = await new TelegramWebhookClient(this.bots.for(channel.botToken)).info();
      health = assessWebhookInfo(info, {
        expectedUrl: this.source.expectedWebhookUrl(channel.channelId),
        nowSeconds: Math.floor(Date.now() / 1000),
        // A delivery error counts while it is younger than two check periods (at least five minutes).
        recentErrorSeconds: Math.max(300, Math.ceil((2 * this.config.TELEGRAM_HEALTH_INTERVAL_MS) / 1000)),
      });
    } catch (err) {
      health = assessHealthCheckFailure(err);
    }
    if (health.causeCode === TelegramHealthCause.WebhookNotSet && (await this.connect.execute(channel))) return { status: 'active' };
    await this.health.report(channel, health);
    return health;
  }
}
