import type { OutboundMessageData } from '@crm/contracts';
import type { SendRateLimits } from '../core/rate-limit/send-rate-limiter';
import type { ConnectorChannel } from './channel-state.port';

/**
 * Whether the platform dedupes a repeated send itself:
 * - `none` (Telegram, WhatsApp, Avito): at-most-once — the delivery log records the send before the platform is
 *   called, and a send found still in progress after a restart ends `failed` SEND_OUTCOME_UNKNOWN (never sent twice);
 * - `key` (VK `random_id`): the adapter passes DeliveryContext.idempotencyKey to the platform, and a send found in
 *   progress after a restart is simply delivered again with the same key.
 */
export type PlatformIdempotency = 'none' | 'key';

/** What to do after one failed platform call (the adapter's classifyFailure). */
export type CallFailure =
  /** Rate limited (429 + retry_after / Retry-After): wait, then repeat the call. `scope` says who pauses (default channel). */
  | { action: 'retry-after'; retryAfterMs: number; description: string; scope?: 'channel' | 'chat' }
  /** Network error, timeout, 5xx: repeat with exponential backoff within the send retry window. */
  | { action: 'retry'; description: string }
  /** Final: the message fails with this stable code (e.g. TELEGRAM_BOT_BLOCKED). */
  | { action: 'fail'; errorCode: string; description: string };

export type CallOutcome<T> = { ok: true; value: T } | { ok: false; errorCode: string; description: string };

/** Handed to OutboundPort.deliver for one message. */
export interface DeliveryContext {
  /** Stable for the message across retries and restarts (our message id): VK derives random_id from it. */
  readonly idempotencyKey: string;
  /** 1 for the first delivery; > 1 only with idempotency `key`, when a send found in progress is delivered again. */
  readonly attempt: number;
  /**
   * One platform call, within the channel's and the chat's rate limits, retried as classifyFailure says (honouring
   * retry-after, backoff on outages, up to the send retry window). Resolves to the value or to the final failure;
   * throws only when the process is stopping (the command is then left for the restart).
   */
  call<T>(fn: () => Promise<T>): Promise<CallOutcome<T>>;
}

/** Outcome of one outbound message (reported on channels.status.v1). */
export type DeliveryResult =
  | { status: 'sent'; externalMessageId?: string; at?: string }
  | { status: 'failed'; errorCode: string; errorMessage?: string };

/**
 * PORT — sending agents' replies. `message` is the whole contract record (OutboundMessageData: text, attachments,
 * replyToExternalMessageId, and what the contract adds later — WhatsApp `template`), so a new content kind reaches
 * the adapter without a kit change. A message may take several calls (long text split, one call per file): make
 * each through `ctx.call` so a retry repeats only the failed call.
 */
export interface OutboundPort<S extends ConnectorChannel> {
  readonly idempotency: PlatformIdempotency;
  /** Send limits per channel (bot / community / number) and per chat. */
  readonly limits: SendRateLimits;
  classifyFailure(err: unknown): CallFailure;
  /** errorCode when the platform keeps rate-limiting a call (default RATE_LIMITED). */
  readonly rateLimitedCode?: string;
  deliver(channel: S, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult>;
}
