import {
  CrmHostUnresolvedError,
  CrmTransportError,
  CrmUrlRefusedError,
  type CrmAdapter,
  type CrmCheck,
  type CrmCredentials,
  type CrmStep,
  type CrmStepResult,
  type IntegrationSignal,
  type SyncItem,
} from '@crm/crm-port';
import { BITRIX24_BATCH_LIMIT, interpretBatch, planBitrix24Batch, type Bitrix24BatchPlan, type BatchHalt } from './bitrix24-batch-plan';
import { Bitrix24Client } from './bitrix24-client';
import { Bitrix24ApiError, classifyBitrix24Error, recordErrorCode } from './bitrix24-errors';
import { parseBitrix24Webhook, type Bitrix24Webhook } from './bitrix24-webhook-url';

export const BITRIX24_WEBHOOK_INVALID = 'BITRIX24_WEBHOOK_INVALID';
export const BITRIX24_SCOPE_MISSING = 'BITRIX24_SCOPE_MISSING';
/** Stored as the reason when a webhook URL may no longer be called (it now resolves to a private address…). */
export const WEBHOOK_URL_REFUSED = 'INTEGRATION_SETTINGS_INVALID';

/** Leaky bucket of a non-Enterprise cloud portal: 2 requests/s drained, bursts to 50 (PLATFORMS.md §5). */
export const BITRIX24_RATE_LIMIT = { perSecond: 2, burst: 50 } as const;

const QUERY_LIMIT_RETRY_MS = 1000;
const OPERATION_LIMIT_RETRY_MS = 60_000;

export interface Bitrix24Connection {
  webhook: Bitrix24Webhook;
}

/**
 * Bitrix24 through an incoming webhook (DESIGN §7a): contact by verified phone (crm.duplicate.findbycomm) or
 * crm.contact.add, crm.lead.add with ORIGINATOR_ID/ORIGIN_ID, messages as crm.timeline.comment.add, grouped in one
 * `batch` (halt=1) per step.
 */
export class Bitrix24CrmAdapter implements CrmAdapter<Bitrix24Connection> {
  readonly type = 'bitrix24';
  readonly rateLimit = BITRIX24_RATE_LIMIT;
  readonly maxItemsPerStep = BITRIX24_BATCH_LIMIT * 2;

  constructor(private readonly client: Bitrix24Client) {}

  connect({ secrets }: CrmCredentials): Bitrix24Connection {
    const webhook = typeof secrets.webhookUrl === 'string' ? parseBitrix24Webhook(secrets.webhookUrl) : null;
    if (!webhook) throw new Error('the integration has no valid Bitrix24 webhook URL');
    return { webhook };
  }

  /**
   * A real call with the webhook: `crm.lead.fields` needs the `crm` scope, so one request tells a deleted/expired
   * webhook (NO_AUTH_FOUND / expired_token), a missing scope (insufficient_scope) and an unreachable portal apart.
   */
  async verify({ webhook }: Bitrix24Connection): Promise<CrmCheck> {
    try {
      await this.client.http.policy.assertAllowed(webhook.base, this.client.timeoutMs);
      await this.client.call(webhook.base, 'crm.lead.fields');
      return { outcome: 'valid' };
    } catch (err) {
      return verificationOutcome(err);
    }
  }

  plan({ webhook }: Bitrix24Connection, work: readonly SyncItem[]): CrmStep | null {
    const plan = planBitrix24Batch(work);
    if (!plan) return null;
    return { recordIds: plan.recordIds, creates: plan.creates, execute: () => this.execute(webhook, plan) };
  }

  private async execute(webhook: Bitrix24Webhook, plan: Bitrix24BatchPlan): Promise<CrmStepResult> {
    try {
      const entries = await this.client.batch(webhook.base, plan.commands, true);
      const { outcomes, halt } = interpretBatch(plan, entries);
      return { outcomes, ...(halt ? { integration: this.haltSignal(halt) } : {}) };
    } catch (err) {
      if (err instanceof Bitrix24ApiError && classifyBitrix24Error(err.code, err.status) === 'permanent') {
        // The request as a whole was refused for its content: every record of it failed the same way.
        return { outcomes: plan.recordIds.map((recordId) => ({ recordId, kind: 'error', code: recordErrorCode(err.code), detail: err.description, permanent: true })) };
      }
      return { outcomes: [], integration: this.requestSignal(err) };
    }
  }

  private haltSignal(halt: BatchHalt): IntegrationSignal {
    if (halt.errorClass === 'rate') return { kind: 'rate-limited', retryAfterMs: halt.code === 'OPERATION_TIME_LIMIT' ? OPERATION_LIMIT_RETRY_MS : QUERY_LIMIT_RETRY_MS };
    return { kind: 'credentials-rejected', code: halt.errorClass === 'scope' ? BITRIX24_SCOPE_MISSING : BITRIX24_WEBHOOK_INVALID, detail: `${halt.code}: ${halt.description}` };
  }

  private requestSignal(err: unknown): IntegrationSignal {
    if (err instanceof Bitrix24ApiError) {
      const errorClass = classifyBitrix24Error(err.code, err.status);
      if (errorClass === 'rate') return { kind: 'rate-limited', retryAfterMs: this.retryAfter(err) };
      if (errorClass === 'credentials' || errorClass === 'scope') return this.haltSignal({ errorClass, code: err.code, description: err.description });
      // A 5xx may come after the portal did part of the batch.
      return { kind: 'unavailable', code: recordErrorCode(err.code), detail: err.description, unclear: err.code !== 'OVERLOAD_LIMIT' };
    }
    if (err instanceof CrmUrlRefusedError) return { kind: 'credentials-rejected', code: WEBHOOK_URL_REFUSED, detail: `webhookUrl ${err.message}` };
    if (err instanceof CrmTransportError) return { kind: 'unavailable', code: `BITRIX24_${err.code}`, detail: err.message, unclear: err.unclear };
    throw err;
  }

  private retryAfter(err: Bitrix24ApiError): number {
    if (err.code !== 'OPERATION_TIME_LIMIT') return QUERY_LIMIT_RETRY_MS;
    const resetMs = err.operatingResetAt !== undefined ? err.operatingResetAt * 1000 - Date.now() : OPERATION_LIMIT_RETRY_MS;
    return Math.max(QUERY_LIMIT_RETRY_MS, Math.min(resetMs, 10 * OPERATION_LIMIT_RETRY_MS));
  }
}

/** What a failed check call means: the webhook refused (with the missing scope named), or the portal unreachable. */
export function verificationOutcome(err: unknown): CrmCheck {
  if (err instanceof CrmUrlRefusedError) return { outcome: 'rejected', code: WEBHOOK_URL_REFUSED, params: { field: 'webhookUrl' }, detail: `webhookUrl ${err.message}` };
  if (err instanceof CrmHostUnresolvedError || err instanceof CrmTransportError) return { outcome: 'unavailable', detail: err.message };
  if (err instanceof Bitrix24ApiError) {
    const errorClass = classifyBitrix24Error(err.code, err.status);
    if (errorClass === 'scope') return { outcome: 'rejected', code: BITRIX24_SCOPE_MISSING, params: { scope: 'crm' }, detail: err.description };
    if (errorClass === 'credentials' || errorClass === 'permanent') return { outcome: 'rejected', code: BITRIX24_WEBHOOK_INVALID, detail: `${err.code}: ${err.description}` };
    return { outcome: 'unavailable', detail: `${err.code}: ${err.description}` };
  }
  throw err;
}
