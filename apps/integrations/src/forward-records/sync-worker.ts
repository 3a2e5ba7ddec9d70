import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Clock } from '@crm/crm-port';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';
import { CLOCK } from '../crm/clock.provider';
import { CrmConnections } from '../crm/crm-connections';
import { ForwardIntegrationUseCase } from './forward-integration.usecase';
import { IntegrationClaims } from './integration-claims';
import { SyncWorkerSignal } from './sync-worker.signal';

/**
 * Keeps up to SYNC_WORKER_CONCURRENCY integrations forwarding in this instance, each in its own turn
 * (ForwardIntegrationUseCase): claims the next integration with due records whenever a slot is free — on every
 * poll (SYNC_POLL_MS), when a turn ends and when new records are ingested. A rate-limited or unreachable CRM is not
 * claimed until its `blocked_until`, so it holds no slot and never delays the others.
 */
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly turns = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private refill = false;
  private stopped = false;

  constructor(
    private readonly claims: IntegrationClaims,
    private readonly forward: ForwardIntegrationUseCase,
    private readonly connections: CrmConnections,
    private readonly signal: SyncWorkerSignal,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.signal.onWake(() => this.wake());
    this.poll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.forward.stop();
    await this.filling;
    await Promise.allSettled([...this.turns]);
  }

  /** Fills free slots now (coalesced: a wake during a fill runs one more fill after it). */
  wake(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = this.fillSlots()
      .catch((err: unknown) => this.logger.warn({ err }, 'claiming integrations to forward failed'))
      .finally(() => {
        this.filling = undefined;
        if (this.refill) {
          this.refill = false;
          this.wake();
        }
      });
  }

  /**
   * An integration that must wait a moment (its bucket refills in 500 ms, a partial batch lingers) is claimed again
   * right when it may go, not at the next poll.
   */
  private wakeAt(blockedUntil: number): void {
    const delay = (blockedUntil - this.clock.now()) / this.clock.rate;
    if (delay <= 0 || delay > this.config.SYNC_POLL_MS * 20) return;
    setTimeout(() => this.wake(), Math.ceil(delay) + 1).unref();
  }

  private poll(): void {
    if (this.stopped) return;
    this.wake();
    this.timer = setTimeout(() => this.poll(), this.config.SYNC_POLL_MS);
    this.timer.unref();
  }

  private async fillSlots(): Promise<void> {
    const types = this.connections.types();
    while (!this.stopped && this.turns.size < this.config.SYNC_WORKER_CONCURRENCY) {
      const claim = await this.claims.claim(new Date(this.clock.now()), types);
      if (!claim) return;
      const turn: Promise<void> = this.forward
        .execute(claim)
        .then((blockedUntil) => this.wakeAt(blockedUntil))
        .catch((err: unknown) => this.logger.error({ err, integrationId: claim.integrationId }, 'forwarding turn failed'))
        .finally(() => {
          this.turns.delete(turn);
          this.wake();
        });
      this.turns.add(turn);
    }
  }
}
