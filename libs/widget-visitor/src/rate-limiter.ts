export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  /** Requests allowed per minute, sustained. */
  perMinute: number;
  /** Requests allowed at once after a quiet period (bucket size); defaults to perMinute. */
  burst?: number;
  /** Most keys tracked at once; the stalest are dropped beyond it (bounded memory under a flood of keys). */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token bucket per key (a visitor id, an IP address): `burst` requests at once, refilled at `perMinute` per minute.
 * In-process state — with several instances the effective limit is per instance.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions) {
    if (!(options.perMinute > 0)) throw new Error('RateLimiter: perMinute must be positive');
    this.capacity = Math.max(1, options.burst ?? options.perMinute);
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key` when there is one. */
  take(key: string): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
      bucket.updatedAt = now;
      // Re-insert so the Map's order stays least-recently-used first.
      this.buckets.delete(key);
    } else {
      bucket = { tokens: this.capacity, updatedAt: now };
      this.evict();
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops the least recently used keys (first in the Map's order) to stay under maxKeys: O(1) per new key. */
  private evict(): void {
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}
