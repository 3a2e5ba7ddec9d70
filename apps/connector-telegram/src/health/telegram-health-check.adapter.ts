import { Inject, Injectable } from '@nestjs/common';
import type { ChannelHealth, HealthCheckPort } from '@crm/connector-kit';
import { assessHealthCheckFailure, assessWebhookInfo, type TelegramChannelState, TelegramHealthCause, TelegramWebhookClient } from '@crm/platform-telegram';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { TelegramLifecycleAdapter } from '../channel/telegram-lifecycle.adapter';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { UPDATE_SOURCE, type UpdateSource } from '../update-sources/update-source.port';

/**
 * HealthCheckPort: getWebhookInfo of one active bot → its health: a recent delivery error → degraded with Telegram's
 * message; 401 → needs-reauth; Telegram unreachable → degraded. A webhook that is not ours any more (never registered
 * because Telegram was down, or removed by someone) is registered again.
 */
@Injectable()
export class TelegramHealthCheckAdapter implements HealthCheckPort<TelegramChannelState> {
  constructor(
    private readonly bots: BotApiCache,
    @Inject(UPDATE_SOURCE) private readonly source: UpdateSource,
    private readonly lifecycle: TelegramLifecycleAdapter,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
  ) {}

  async check(channel: TelegramChannelState): Promise<ChannelHealth> {
    let health: ChannelHealth;
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
    if (health.causeCode === TelegramHealthCause.WebhookNotSet) {
      const reconnected = await this.lifecycle.connect(channel);
      if (reconnected.status === 'active') return reconnected;
    }
    return health;
  }
}
