/** The application's clock: every due time of the sync records is computed with it, never by the database. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** How many application milliseconds pass per real millisecond (to turn a due time into a timer). */
  readonly rate: number;
}

export const systemClock: Clock = { now: () => Date.now(), rate: 1 };

/**
 * A clock that runs `rate` times faster than real time from `origin` on (rate 1 = the system clock). Configured for
 * tests that must cover hours of retries and backoff in seconds; production runs at 1.
 */
export function scaledClock(rate: number, origin: number = Date.now()): Clock {
  if (!(rate > 0)) throw new Error(`clock rate must be positive, got ${rate}`);
  if (rate === 1) return systemClock;
  return { now: () => origin + Math.round((Date.now() - origin) * rate), rate };
}
