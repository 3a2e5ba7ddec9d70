/** Exponential backoff: `baseMs` after the first failure, doubling, never more than `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Delay before the next attempt after `failures` consecutive failures (≥ 1). */
export function backoffMs(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}
