/**
 * A token bucket that hands out reservations instead of polling: `reserve()` takes one token now and answers how long
 * the caller must wait before using it (0 when a token was available). Callers queue up in order of reservation,
 * each sleeping exactly its share — no busy loops, no timers owned by the bucket.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private blockedUntil = 0;

  constructor(
    /** Tokens added per second. */
    private readonly ratePerSecond: number,
    /** Burst size (and the starting balance). */
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /** Takes a token; returns the milliseconds to wait before it may be used. */
  reserve(): number {
    const now = this.now();
    this.refill(now);
    this.tokens -= 1;
    const deficitWait = this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
    return Math.max(deficitWait, this.blockedUntil - now, 0);
  }

  /** Nothing may be sent before `until` (epoch ms), e.g. after a 429 with retry_after. */
  blockUntil(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** True when the bucket is full and unblocked, i.e. forgetting it changes nothing. */
  idle(): boolean {
    const now = this.now();
    this.refill(now);
    return this.tokens >= this.capacity && this.blockedUntil <= now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}
