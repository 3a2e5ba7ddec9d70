import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@crm/service-kit';
import { CheckChannelHealthUseCase } from '../check-channel-health/check-channel-health.usecase';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { ChannelRegistryService } from '../registry/channel-registry.service';

/** Every TELEGRAM_HEALTH_INTERVAL_MS, checks each active channel once (a few at a time), never overlapping runs. */
@Injectable()
export class ChannelHealthMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly registry: ChannelRegistryService,
    private readonly check: CheckChannelHealthUseCase,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Checks every active channel now. */
  async runOnce(): Promise<void> {
    await this.registry.ready();
    const queue = this.registry.all().filter((c) => c.status === 'active');
    const worker = async () => {
      for (let channel = queue.shift(); channel && !this.stopped; channel = queue.shift()) {
        await this.check.execute(channel).catch((err: unknown) => this.logger.warn({ channelId: channel!.channelId, err: { message: (err as Error).message } }, 'health check failed'));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.config.TELEGRAM_HEALTH_INTERVAL_MS);
    this.timer.unref();
  }
}
