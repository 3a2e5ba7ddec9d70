import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { backoffMs } from '@crm/crm-port';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';
import { SyncWorkerSignal } from '../forward-records/sync-worker.signal';
import { RecheckIntegrationUseCase } from './recheck-integration.usecase';

const MAX_RECHECK_INTERVAL_MS = 10 * 60_000;

/**
 * Background re-check of integrations whose CRM was unreachable when they were saved: every INTEGRATION_RECHECK_MS
 * the due ones are asked again; each backs off (doubling up to 10 minutes) while its CRM stays down. Runs in every
 * instance; a re-check applies only to an unchanged row.
 */
@Injectable()
export class IntegrationRecheckScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;
  private readonly waits = new Map<string, { failures: number; dueAt: number }>();

  constructor(
    private readonly recheck: RecheckIntegrationUseCase,
    private readonly worker: SyncWorkerSignal,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.next();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.tick()
        .catch((err: unknown) => this.logger.warn({ err }, 'integration re-check round failed'))
        .finally(() => this.next());
    }, this.config.INTEGRATION_RECHECK_MS);
    this.timer.unref();
  }

  /** One round over the waiting integrations whose backoff has elapsed. */
  async tick(): Promise<void> {
    const waiting = await this.recheck.candidates();
    const ids = new Set(waiting.map((w) => w.id));
    for (const id of this.waits.keys()) if (!ids.has(id)) this.waits.delete(id);
    for (const integration of waiting) {
      const wait = this.waits.get(integration.id);
      if (this.stopped || (wait && wait.dueAt > Date.now())) continue;
      const outcome = await this.recheck.execute(integration);
      if (outcome === 'still-unavailable') {
        const failures = (wait?.failures ?? 0) + 1;
        this.waits.set(integration.id, { failures, dueAt: Date.now() + backoffMs(failures, { baseMs: this.config.INTEGRATION_RECHECK_MS, maxMs: MAX_RECHECK_INTERVAL_MS }) });
        continue;
      }
      this.waits.delete(integration.id);
      this.logger.info({ integrationId: integration.id, outcome }, 'integration re-checked');
      if (outcome === 'active') this.worker.wake();
    }
  }
}
