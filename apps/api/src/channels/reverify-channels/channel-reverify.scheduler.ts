import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../../config/api.config';
import { ReverifyChannelUseCase } from './reverify-channels.usecase';

const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Background retry of channels saved while their platform was unreachable: every CHANNEL_VERIFY_RETRY_MS it re-checks
 * the channels that are due; each channel backs off exponentially (base interval, doubling, at most 10 minutes) while
 * the platform stays down. Runs in every api instance; the re-check applies only to an unchanged row, so two
 * instances never both publish a change.
 */
@Injectable()
export class ChannelReverifyScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly backoff = new Map<string, { attempts: number; dueAt: number }>();

  constructor(
    private readonly reverify: ReverifyChannelUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.logger.warn({ err }, 'channel re-verification round failed'))
        .finally(() => this.schedule());
    }, this.config.CHANNEL_VERIFY_RETRY_MS);
    this.timer.unref();
  }

  /** One round: re-checks every waiting channel whose backoff has elapsed. */
  async tick(): Promise<void> {
    const now = Date.now();
    const candidates = await this.reverify.candidates();
    const waiting = new Set(candidates.map((c) => c.id));
    for (const id of this.backoff.keys()) if (!waiting.has(id)) this.backoff.delete(id);
    for (const channel of candidates) {
      if (this.stopped) return;
      const state = this.backoff.get(channel.id);
      if (state && state.dueAt > now) continue;
      const outcome = await this.reverify.execute(channel);
      if (outcome === 'still-unavailable') {
        const attempts = (state?.attempts ?? 0) + 1;
        this.backoff.set(channel.id, { attempts, dueAt: Date.now() + Math.min(MAX_BACKOFF_MS, this.config.CHANNEL_VERIFY_RETRY_MS * 2 ** (attempts - 1)) });
      } else {
        this.backoff.delete(channel.id);
        this.logger.info({ channelId: channel.id, outcome }, 'channel re-verified');
      }
    }
  }
}
