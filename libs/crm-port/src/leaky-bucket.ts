/** A leaky-bucket limit: requests drain at `perSecond`; more than `burst` queued are refused. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Requests "in the bucket" at instant `at` (epoch ms of the app clock). */
export interface BucketState {
  level: number;
  at: number;
}

/** The bucket at `now`: what has drained since `at` is gone. */
export function drainBucket(state: BucketState, limit: RateLimit, now: number): BucketState {
  const elapsed = Math.max(0, now - state.at);
  return { level: Math.max(0, state.level - (elapsed * limit.perSecond) / 1000), at: Math.max(now, state.at) };
}

/** How long until one more request fits (0: now). */
export function bucketWaitMs(state: BucketState, limit: RateLimit, now: number): number {
  const { level } = drainBucket(state, limit, now);
  const excess = level + 1 - limit.burst;
  return excess <= 0 ? 0 : Math.ceil((excess * 1000) / limit.perSecond);
}

/** The bucket after one request at `now`. */
export function takeFromBucket(state: BucketState, limit: RateLimit, now: number): BucketState {
  const drained = drainBucket(state, limit, now);
  return { level: drained.level + 1, at: drained.at };
}

/** The CRM said "too many requests": assume its bucket is full now. */
export function fullBucket(limit: RateLimit, now: number): BucketState {
  return { level: limit.burst, at: now };
}

/**
 * Our own budget under a CRM's documented limit: one request less than its burst, so that jitter in arrival times
 * (two requests sent 500 ms apart arriving closer together) never tips the CRM's own bucket over.
 */
export function withHeadroom(limit: RateLimit): RateLimit {
  return { perSecond: limit.perSecond, burst: Math.max(1, limit.burst - 1) };
}
