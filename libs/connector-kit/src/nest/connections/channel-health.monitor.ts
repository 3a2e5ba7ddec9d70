import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@crm/service-kit';
import type { ConnectorChannel } from '../../ports/channel-state.port';
import { type HealthCheckPort, KitHealthCause } from '../../ports/lifecycle.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { ChannelLeases } from '../coordination/channel-leases.service';
import { HealthReporter } from '../publish/health-reporter';
import { ChannelRegistry } from '../registry/channel-registry.service';
import { HEALTH_CHECK_PORT, KIT_OPTIONS } from '../tokens';

/**
 * Every healthIntervalMs, probes each active channel once (a few at a time) through the HealthCheckPort; never
 * overlapping runs. Only the channels whose lease this instance holds: with several instances each channel is probed
 * by one of them.
 */
@Injectable()
export class ChannelHealthMonitor<S extends ConnectorChannel = ConnectorChannel> implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly registry: ChannelRegistry<S>,
    private readonly health: HealthReporter,
    private readonly leases: ChannelLeases<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(HEALTH_CHECK_PORT) private readonly probe?: HealthCheckPort<S>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.probe) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Probes every active channel now. */
  async runOnce(): Promise<void> {
    if (!this.probe) return;
    await this.registry.ready();
    const queue = this.registry.all().filter((c) => c.status === 'active' && this.leases.owns(c.channelId));
    const worker = async () => {
      for (let channel = queue.shift(); channel && !this.stopped; channel = queue.shift()) {
        const c = channel;
        try {
          const health = await this.probe!.check(c);
          // A channel deactivated while it was probed is reported by its disconnect, not here; a probe that finds the
          // platform fine does not clear SIGNATURE_REJECTED (only an authentic webhook call or a reconnect does).
          const signatureRejected = this.health.current(c.channelId)?.causeCode === KitHealthCause.SignatureRejected;
          if (this.registry.active(c.channelId) && !(signatureRejected && health.status === 'active')) await this.health.report(c, health);
        } catch (err) {
          this.logger.warn({ channelId: c.channelId, err: { message: (err as Error).message } }, 'health check failed');
        }
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
    }, this.options.healthIntervalMs);
    this.timer.unref();
  }
}
