import type { CallFailure } from '../../ports/outbound.port';
import { parseRetryAfter, retryCall, SendInterruptedError } from './retry-call';

class Flood extends Error {
  constructor(readonly ms: number) {
    super('429');
  }
}
class Down extends Error {}
class Blocked extends Error {}

const classify = (err: unknown): CallFailure =>
  err instanceof Flood
    ? { action: 'retry-after', retryAfterMs: err.ms, description: '429 Too Many Requests' }
    : err instanceof Blocked
      ? { action: 'fail', errorCode: 'BLOCKED', description: '403' }
      : { action: 'retry', description: 'ECONNRESET' };

function clock() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)), slept };
}

/** A call failing with `errors` in order, then answering 'ok'. */
function calls(...errors: Error[]) {
  let n = 0;
  const fn = async () => {
    const err = errors[n++];
    if (err) throw err;
    return 'ok';
  };
  return { fn, count: () => n };
}

describe('retryCall', () => {
  it('returns the value of a successful call', async () => {
    const c = clock();
    await expect(retryCall(calls().fn, { classify, retryWindowMs: 1000, ...c })).resolves.toEqual({ ok: true, value: 'ok' });
  });

  it('honours retry-after: pauses through onRetryAfter (or sleeps) and repeats the call', async () => {
    const c = clock();
    const paused: Array<[number, string]> = [];
    const call = calls(new Flood(3000));
    await expect(retryCall(call.fn, { classify, retryWindowMs: 0, ...c, onRetryAfter: (ms, scope) => paused.push([ms, scope]) })).resolves.toEqual({ ok: true, value: 'ok' });
    expect(paused).toEqual([[3000, 'channel']]);
    const c2 = clock();
    await retryCall(calls(new Flood(2000)).fn, { classify, retryWindowMs: 0, ...c2 });
    expect(c2.slept).toEqual([2000]);
  });

  it('gives up as rate limited after maxRetryAfterWaits', async () => {
    const c = clock();
    const call = calls(new Flood(1), new Flood(1), new Flood(1));
    await expect(retryCall(call.fn, { classify, retryWindowMs: 0, maxRetryAfterWaits: 2, rateLimitedCode: 'TG_RATE_LIMITED', ...c })).resolves.toMatchObject({ ok: false, errorCode: 'TG_RATE_LIMITED' });
    expect(call.count()).toBe(3);
  });

  it('retries outages with exponential backoff inside the window, then fails PLATFORM_UNAVAILABLE', async () => {
    const c = clock();
    const ok = calls(new Down(), new Down());
    await expect(retryCall(ok.fn, { classify, retryWindowMs: 10_000, ...c })).resolves.toEqual({ ok: true, value: 'ok' });
    expect(c.slept).toEqual([500, 1000]);
    const c2 = clock();
    const never = calls(...Array.from({ length: 20 }, () => new Down()));
    await expect(retryCall(never.fn, { classify, retryWindowMs: 3000, ...c2 })).resolves.toMatchObject({ ok: false, errorCode: 'PLATFORM_UNAVAILABLE', description: 'ECONNRESET' });
    expect(c2.slept).toEqual([500, 1000]);
  });

  it('a final failure is returned at once', async () => {
    const c = clock();
    const call = calls(new Blocked());
    await expect(retryCall(call.fn, { classify, retryWindowMs: 10_000, ...c })).resolves.toEqual({ ok: false, errorCode: 'BLOCKED', description: '403' });
    expect(call.count()).toBe(1);
  });

  it('acquires before every attempt and stops with SendInterruptedError when stopping', async () => {
    const c = clock();
    let acquired = 0;
    let stopping = false;
    const call = calls(new Down());
    const attempts: number[] = [];
    const promise = retryCall(call.fn, {
      classify,
      retryWindowMs: 10_000,
      ...c,
      acquire: async () => void acquired++,
      onAttempt: () => attempts.push(acquired),
      stopped: () => stopping,
      sleep: async () => void (stopping = true),
    });
    await expect(promise).rejects.toBeInstanceOf(SendInterruptedError);
    expect(acquired).toBe(2);
    expect(attempts).toEqual([1]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(['1.5'])).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
