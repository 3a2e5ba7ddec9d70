import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  bucketWaitMs,
  recordUpdates,
  takeFromBucket,
  throttleAfter,
  type Clock,
  type RecordUpdate,
  type SyncItem,
  type ThrottleState,
  withHeadroom,
} from '@crm/crm-port';
import { ErrorCode } from '@crm/domain';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';
import { CLOCK } from '../crm/clock.provider';
import { CrmConnections, type OpenConnection } from '../crm/crm-connections';
import { IntegrationClaims, type ClaimedIntegration } from './integration-claims';
import { syncMetrics } from './sync-metrics';
import { SyncWorkRepository, type Scope, type Snapshots, type WorkRecord } from './sync-work.repository';

/** A comment whose lead could not be created: it has nothing to go on. */
export const LEAD_NOT_SYNCED = 'CRM_LEAD_NOT_SYNCED';
/** The client / lead / message is gone from our database (erased) before it was forwarded. */
export const ENTITY_NOT_FOUND = 'ENTITY_NOT_FOUND';

interface StepOutcome {
  throttle: ThrottleState;
  /** End the turn (rate limit, outage, nothing to send now…). */
  done: boolean;
}

/**
 * One turn of forwarding for a claimed integration: step after step, each one request to the CRM (its adapter plans
 * it from the due records), while the shared leaky bucket has room and the turn lasts (SYNC_TURN_MAX_MS). Records
 * are marked "may have been created" before a step and get their outcome after it; rate limits and outages set the
 * integration's `blocked_until` (application clock); refused credentials turn the integration `error`.
 */
@Injectable()
export class ForwardIntegrationUseCase {
  private stopping = false;
  private readonly metrics = syncMetrics();

  constructor(
    private readonly claims: IntegrationClaims,
    private readonly repository: SyncWorkRepository,
    private readonly connections: CrmConnections,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Finish the current step, start no other. */
  stop(): void {
    this.stopping = true;
  }

  /** One turn; resolves with the integration's `blocked_until` (application clock) as the turn left it. */
  async execute(claim: ClaimedIntegration): Promise<number> {
    const scope: Scope = { integrationId: claim.integrationId, accountId: claim.accountId };
    let throttle = claim.throttle;
    try {
      const open = this.open(claim);
      if (!open) {
        await this.repository.markIntegrationRejected(scope, ErrorCode.INTEGRATION_SETTINGS_INVALID);
      } else {
        const deadline = Date.now() + this.config.SYNC_TURN_MAX_MS;
        while (!this.stopping && Date.now() < deadline) {
          const outcome = await this.step(scope, open, throttle);
          throttle = outcome.throttle;
          if (outcome.done) break;
        }
      }
      await this.claims.release(claim, throttle);
      return throttle.blockedUntil;
    } catch (err) {
      await this.claims.abandon(claim).catch(() => undefined);
      throw err;
    }
  }

  private open(claim: ClaimedIntegration): OpenConnection | undefined {
    try {
      return this.connections.open(claim);
    } catch (err) {
      this.logger.warn({ integrationId: claim.integrationId, err: (err as Error).message }, 'integration settings cannot be used');
      return undefined;
    }
  }

  private async step(scope: Scope, { adapter, connection }: OpenConnection, throttle: ThrottleState): Promise<StepOutcome> {
    const now = this.clock.now();
    const limit = withHeadroom(adapter.rateLimit);
    const wait = bucketWaitMs(throttle.bucket, limit, now);
    if (wait > 0) return { throttle: { ...throttle, blockedUntil: now + wait }, done: true };
    const records = await this.repository.dueRecords(scope, new Date(now), adapter.maxItemsPerStep);
    if (records.length === 0) return this.waitForNextDue(scope, throttle, now);
    const oldestDue = Math.min(...records.map((r) => r.nextAttemptAt));
    if (records.length < adapter.maxItemsPerStep && oldestDue + this.config.SYNC_BATCH_LINGER_MS > now) {
      return { throttle: { ...throttle, blockedUntil: oldestDue + this.config.SYNC_BATCH_LINGER_MS }, done: true };
    }
    const byId = new Map(records.map((r) => [r.recordId, r]));
    const { items, failed } = toItems(records, await this.repository.snapshots(scope.accountId, records));
    if (failed.length > 0) {
      await this.repository.apply(scope, failed, byId);
      return { throttle, done: false };
    }
    const step = adapter.plan(connection, items);
    if (!step) return this.waitForNextDue(scope, throttle, now);

    await this.repository.markMayCreate(scope, step.creates);
    const sent = takeFromBucket(throttle.bucket, limit, now);
    const result = await step.execute();
    const after = this.clock.now();
    const updates = recordUpdates(step.recordIds.map((id) => byId.get(id)!), new Set(step.creates), result, this.policy(), after);
    await this.repository.apply(scope, updates, byId);
    this.observe(adapter.type, result.integration?.kind ?? 'ok', updates);
    const signal = result.integration;
    if (signal?.kind === 'credentials-rejected') {
      this.logger.warn({ integrationId: scope.integrationId, code: signal.code, detail: signal.detail }, 'CRM refused the credentials: integration error, records wait');
      await this.repository.markIntegrationRejected(scope, signal.code);
    } else if (signal) {
      this.logger.info({ integrationId: scope.integrationId, signal }, 'CRM step not carried out');
    }
    const backoff = { baseMs: this.config.SYNC_BACKOFF_BASE_MS, maxMs: this.config.SYNC_BACKOFF_MAX_MS };
    return { throttle: throttleAfter({ ...throttle, bucket: sent }, signal, limit, backoff, after), done: signal !== undefined };
  }

  /** Nothing can go now: come back when the earliest waiting record is due (no busy claiming meanwhile). */
  private async waitForNextDue(scope: Scope, throttle: ThrottleState, now: number): Promise<StepOutcome> {
    const due = await this.repository.nextDue(scope, new Date(now));
    return { throttle: due ? { ...throttle, blockedUntil: due.getTime() } : throttle, done: true };
  }

  private policy() {
    return { maxAttempts: this.config.SYNC_MAX_ATTEMPTS, backoff: { baseMs: this.config.SYNC_BACKOFF_BASE_MS, maxMs: this.config.SYNC_BACKOFF_MAX_MS } };
  }

  private observe(type: string, outcome: string, updates: RecordUpdate[]): void {
    this.metrics.requests.inc({ crm: type, outcome });
    for (const u of updates) if (u.state !== 'pending') this.metrics.records.inc({ crm: type, state: u.state });
  }
}

/**
 * The adapter's view of due records. A comment whose lead record failed fails too (nothing to comment on); a lead
 * whose contact failed goes without a contact; a record whose entity is gone fails.
 */
function toItems(records: readonly WorkRecord[], snapshots: Snapshots): { items: SyncItem[]; failed: RecordUpdate[] } {
  const items: SyncItem[] = [];
  const failed: RecordUpdate[] = [];
  const fail = (r: WorkRecord, error: string) => failed.push({ ...r, state: 'failed', externalId: null, error, nextAttemptAt: null });
  for (const r of records) {
    const base = {
      recordId: r.recordId,
      entityId: r.entityId,
      parentRecordId: r.parentState === 'failed' ? null : r.parentId,
      parentExternalId: r.parentState === 'synced' ? r.parentExternalId : null,
      needsLookup: r.needsLookup,
      attempts: r.attempts,
    };
    if (r.entity === 'message' && r.parentState === 'failed') {
      fail(r, LEAD_NOT_SYNCED);
    } else if (r.entity === 'client') {
      const client = snapshots.clients.get(r.entityId);
      if (client) items.push({ ...base, entity: 'client', client, phoneSearched: r.phoneSearched });
      else fail(r, ENTITY_NOT_FOUND);
    } else if (r.entity === 'lead') {
      const lead = snapshots.leads.get(r.entityId);
      if (lead) items.push({ ...base, entity: 'lead', lead });
      else fail(r, ENTITY_NOT_FOUND);
    } else {
      const message = snapshots.messages.get(r.entityId);
      if (message && r.leadId) items.push({ ...base, entity: 'message', message, leadId: r.leadId });
      else fail(r, ENTITY_NOT_FOUND);
    }
  }
  return { items, failed };
}
