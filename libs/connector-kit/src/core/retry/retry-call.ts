import type { CallFailure, CallOutcome } from '../../ports/outbound.port';

/** The process is stopping while a call waits: the caller gives the work back (uncommitted) for the restart. */
export class SendInterruptedError extends Error {
  constructor() {
    super('send interrupted by shutdown');
    this.name = 'SendInterruptedError';
  }
}

/** Stable codes of a call that could not be made. */
export const RetryErrorCode = {
  /** The platform stayed unreachable for the whole retry window. */
  Unavailable: 'PLATFORM_UNAVAILABLE',
  /** The platform kept answering "slow down" more often than we wait for. */
  RateLimited: 'RATE_LIMITED',
} as const;

export interface RetryCallOptions {
  classify: (err: unknown) => CallFailure;
  /** How long outages (`retry`) are retried, from the first attempt. */
  retryWindowMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Awaited before every attempt (rate limiting). */
  acquire?: () => Promise<void>;
  /** A `retry-after` answer: pause the channel / chat (the next acquire waits). Without it the call sleeps itself. */
  onRetryAfter?: (ms: number, scope: 'channel' | 'chat') => void;
  /** Checked before every attempt: true → SendInterruptedError. */
  stopped?: () => boolean;
  /** Called right before the platform is called (something may go out from now on). */
  onAttempt?: () => void;
  /** Called for each retry (metrics, logs). */
  onRetry?: (cause: 'retry-after' | 'unavailable', failure: CallFailure, waitMs: number) => void;
  /** `retry-after` answers honoured before giving up (default 10). */
  maxRetryAfterWaits?: number;
  backoff?: { initialMs: number; maxMs: number };
  now?: () => number;
  /** errorCode when retry-after waits run out (default RATE_LIMITED). */
  rateLimitedCode?: string;
  /** errorCode when the retry window runs out (default PLATFORM_UNAVAILABLE). */
  unavailableCode?: string;
}

/**
 * One platform call with the retry rules every connector shares: rate-limited before each attempt; `retry-after`
 * honoured (the channel or chat pauses for it) up to maxRetryAfterWaits times; outages retried with exponential
 * backoff while inside the retry window; a final failure returned as is. Throws only SendInterruptedError.
 */
export async function retryCall<T>(fn: () => Promise<T>, options: RetryCallOptions): Promise<CallOutcome<T>> {
  const now = options.now ?? Date.now;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 15_000 };
  const deadline = now() + options.retryWindowMs;
  let retryAfterWaits = 0;
  let outageRetries = 0;
  for (;;) {
    await options.acquire?.();
    if (options.stopped?.()) throw new SendInterruptedError();
    let failure: CallFailure;
    try {
      options.onAttempt?.();
      return { ok: true, value: await fn() };
    } catch (err) {
      failure = options.classify(err);
    }
    if (failure.action === 'fail') return { ok: false, errorCode: failure.errorCode, description: failure.description };
    if (failure.action === 'retry-after') {
      if (++retryAfterWaits > (options.maxRetryAfterWaits ?? 10)) {
        return { ok: false, errorCode: options.rateLimitedCode ?? RetryErrorCode.RateLimited, description: failure.description };
      }
      options.onRetry?.('retry-after', failure, failure.retryAfterMs);
      if (options.onRetryAfter) options.onRetryAfter(failure.retryAfterMs, failure.scope ?? 'channel');
      else await options.sleep(failure.retryAfterMs);
      continue;
    }
    const wait = Math.min(backoff.maxMs, backoff.initialMs * 2 ** outageRetries++);
    if (now() + wait > deadline) return { ok: false, errorCode: options.unavailableCode ?? RetryErrorCode.Unavailable, description: failure.description };
    options.onRetry?.('unavailable', failure, wait);
    await options.sleep(wait);
  }
}

/**
 * An HTTP `Retry-After` value in milliseconds: delta-seconds or an HTTP date (relative to `nowMs`); undefined when
 * absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | string[] | null | undefined, nowMs: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
