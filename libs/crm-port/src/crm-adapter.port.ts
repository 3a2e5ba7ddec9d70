import type { RateLimit } from './leaky-bucket';
import type { SyncItem } from './sync-item';

/**
 * DI token of the CRM adapters (a multi-provider: one adapter per CRM type, collected into an array and resolved by
 * CrmAdapterRegistry). Nothing switches on the CRM type.
 */
export const CRM_ADAPTERS = Symbol('CRM_ADAPTERS');

/** Stored settings of one integration: the public part and the decrypted credentials. */
export interface CrmCredentials {
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /**
   * The stored integration these credentials belong to (absent for a check before saving). An adapter whose
   * credentials change while it forwards (amoCRM's rotating OAuth pair) stores them back under this integration.
   */
  integration?: { id: string; accountId: string };
}

/** Result of a live credentials check. */
export type CrmCheck =
  | { outcome: 'valid' }
  /** The CRM refused the credentials: a stable code (e.g. BITRIX24_WEBHOOK_INVALID) and message params. */
  | { outcome: 'rejected'; code: string; params?: Record<string, string>; detail: string }
  /** The CRM could not be asked (down, timeout, rate limited): try again later. */
  | { outcome: 'unavailable'; detail: string };

/** What became of one record of a step. Records of the step without an outcome were not attempted. */
export type RecordOutcome =
  | { recordId: string; kind: 'synced'; externalId: string }
  /** A lookup found nothing: the next step creates it (for a client: the phone search, if any, was done). */
  | { recordId: string; kind: 'not-found'; phoneSearched?: boolean }
  /**
   * The CRM answered this record with an error. `permanent`: retrying the same data cannot help (validation) —
   * bounded attempts, then `failed`; otherwise retried with backoff for as long as it takes.
   */
  | { recordId: string; kind: 'error'; code: string; detail: string; permanent: boolean };

/** Something about the whole request / integration, not one record. */
export type IntegrationSignal =
  /** Not processed: wait at least this long (QUERY_LIMIT_EXCEEDED, 429…). */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** The credentials were refused: the integration turns `error` with this code; its records wait. */
  | { kind: 'credentials-rejected'; code: string; detail: string }
  /** The CRM could not be reached or failed as a whole. `unclear`: the request may have been carried out. */
  | { kind: 'unavailable'; code: string; detail: string; unclear: boolean };

export interface CrmStepResult {
  outcomes: RecordOutcome[];
  integration?: IntegrationSignal;
}

/** One request to the CRM (exactly one rate-limited HTTP call), planned before it is made. */
export interface CrmStep {
  /** Records the step includes, in order. */
  readonly recordIds: readonly string[];
  /**
   * Records the step may create in the CRM. The service marks them "needs lookup" (committed) before executing, so
   * that a crash or an unclear failure makes the next attempt look them up instead of creating a second one.
   */
  readonly creates: readonly string[];
  execute(): Promise<CrmStepResult>;
}

/**
 * The port one CRM implements (Bitrix24, amoCRM…): credentials check and forwarding, one request at a time. The
 * integrations service owns everything else: sync state, order, rate limiting (with `rateLimit`, shared by all
 * instances through Postgres), retries, backoff, replay.
 */
export interface CrmAdapter<C = unknown> {
  /** Integration type (`integrations.type`). */
  readonly type: string;
  /** The CRM's documented limit per integration: requests per second drained, and the burst it tolerates. */
  readonly rateLimit: RateLimit;
  /** Most records one step may carry (the service loads about this many due records per step). */
  readonly maxItemsPerStep: number;
  /** Parses the stored settings into what the adapter calls with. Throws on settings that cannot be used. */
  connect(credentials: CrmCredentials): C;
  verify(connection: C): Promise<CrmCheck>;
  /**
   * Plans the next request for `work` — due records in dependency order (a record's unsynced parent comes earlier).
   * Include a prefix that respects the order: a record whose parent is left out (or not synced) waits. Returns null
   * when nothing can be sent now.
   */
  plan(connection: C, work: readonly SyncItem[]): CrmStep | null;
}
