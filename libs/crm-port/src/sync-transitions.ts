import { backoffMs, type BackoffPolicy } from './backoff';
import type { CrmStepResult, IntegrationSignal, RecordOutcome } from './crm-adapter.port';
import { fullBucket, type BucketState, type RateLimit } from './leaky-bucket';

/** A pending record as the worker holds it while a step runs. */
export interface RecordState {
  recordId: string;
  attempts: number;
  needsLookup: boolean;
  phoneSearched: boolean;
  /** Code of the last failed attempt. */
  error: string | null;
}

/** What to write back for one record. `nextAttemptAt`: epoch ms of the application clock; null = keep it. */
export interface RecordUpdate {
  recordId: string;
  state: 'pending' | 'synced' | 'failed';
  externalId: string | null;
  error: string | null;
  attempts: number;
  nextAttemptAt: number | null;
  needsLookup: boolean;
  phoneSearched: boolean;
}

export interface SyncPolicy {
  /** Attempts of a record the CRM refuses before it is `failed`. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

function unchanged(record: RecordState, needsLookup: boolean): RecordUpdate {
  return { ...record, state: 'pending', externalId: null, nextAttemptAt: null, needsLookup };
}

function fromOutcome(record: RecordState, outcome: RecordOutcome, created: boolean, policy: SyncPolicy, now: number): RecordUpdate {
  switch (outcome.kind) {
    case 'synced':
      return { ...record, state: 'synced', externalId: outcome.externalId, error: null, nextAttemptAt: null, needsLookup: false };
    case 'not-found':
      return { ...record, state: 'pending', externalId: null, nextAttemptAt: now, needsLookup: false, phoneSearched: record.phoneSearched || !!outcome.phoneSearched };
    case 'error': {
      const attempts = record.attempts + 1;
      // A refusal is a definite answer: nothing was created. An internal error of the CRM may have half-worked.
      const needsLookup = created ? !outcome.permanent : record.needsLookup;
      if (outcome.permanent && attempts >= policy.maxAttempts) {
        return { ...record, state: 'failed', externalId: null, error: outcome.code, attempts, nextAttemptAt: null, needsLookup };
      }
      return { ...record, state: 'pending', externalId: null, error: outcome.code, attempts, nextAttemptAt: now + backoffMs(attempts, policy.backoff), needsLookup };
    }
  }
}

/**
 * New states of the records of one executed step. A record without an outcome was not carried out — unless the
 * whole request failed unclearly, in which case every record it may have created is looked up next time.
 */
export function recordUpdates(
  records: readonly RecordState[],
  creates: ReadonlySet<string>,
  result: CrmStepResult,
  policy: SyncPolicy,
  now: number,
): RecordUpdate[] {
  const outcomes = new Map(result.outcomes.map((o) => [o.recordId, o]));
  const signal = result.integration;
  return records.map((record) => {
    const created = creates.has(record.recordId);
    const outcome = outcomes.get(record.recordId);
    if (outcome) return fromOutcome(record, outcome, created, policy, now);
    if (signal?.kind === 'unavailable') {
      return { ...unchanged(record, created ? signal.unclear || record.needsLookup : record.needsLookup), attempts: record.attempts + 1, error: signal.code };
    }
    return unchanged(record, created ? false : record.needsLookup);
  });
}

/** The integration's shared forwarding state (integration_rate_limits). */
export interface ThrottleState {
  bucket: BucketState;
  blockedUntil: number;
  failures: number;
}

/** The throttle after a step's signal (none = success). `credentials-rejected` is handled by the integration status. */
export function throttleAfter(state: ThrottleState, signal: IntegrationSignal | undefined, limit: RateLimit, backoff: BackoffPolicy, now: number): ThrottleState {
  if (!signal) return { ...state, failures: 0 };
  switch (signal.kind) {
    case 'rate-limited':
      return { ...state, bucket: fullBucket(limit, now), blockedUntil: Math.max(state.blockedUntil, now + signal.retryAfterMs) };
    case 'unavailable': {
      const failures = state.failures + 1;
      return { ...state, failures, blockedUntil: now + backoffMs(failures, backoff) };
    }
    case 'credentials-rejected':
      return state;
  }
}
