import { SendRateLimiter } from './send-rate-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('hands out the burst at once, then one token per 1/rate seconds, queueing reservations in order', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 2, () => now);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBe(500);
    expect(bucket.reserve()).toBe(1000);
    now = 1000;
    // Two tokens refilled by now, both already promised to the queued callers: the next one waits for a third.
    expect(bucket.reserve()).toBe(500);
  });

  it('refills up to its capacity only', () => {
    let now = 0;
    const bucket = new TokenBucket(1, 3, () => now);
    now = 60_000;
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0, 1000]);
  });

  it('blockUntil holds every reservation until then; idle() is true only when full and unblocked', () => {
    let now = 0;
    const bucket = new TokenBucket(30, 30, () => now);
    expect(bucket.idle()).toBe(true);
    bucket.blockUntil(5000);
    expect(bucket.idle()).toBe(false);
    expect(bucket.reserve()).toBe(5000);
    now = 6000;
    expect(bucket.reserve()).toBe(0);
    expect(bucket.idle()).toBe(false);
    now = 7000;
    expect(bucket.idle()).toBe(true);
  });
});

describe('SendRateLimiter', () => {
  function limiter(limits = { channelPerSecond: 30, channelBurst: 30, chatPerSecond: 1, chatBurst: 1 }) {
    let now = 0;
    const slept: number[] = [];
    const rl = new SendRateLimiter(limits, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    return { rl, slept, advance: (ms: number) => (now += ms) };
  }

  it('≈1 message per second per chat: the second message to a chat waits a second, another chat does not', async () => {
    const { rl, slept } = limiter();
    await rl.acquire('bot', 'chat-1');
    await rl.acquire('bot', 'chat-2');
    expect(slept).toEqual([]);
    await rl.acquire('bot', 'chat-1');
    expect(slept).toEqual([1000]);
  });

  it('≈30 messages per second per bot across chats', async () => {
    const { rl, slept } = limiter();
    for (let i = 0; i < 30; i++) await rl.acquire('bot', `chat-${i}`);
    expect(slept).toEqual([]);
    await rl.acquire('bot', 'chat-30');
    expect(slept).toEqual([34]);
    // Another bot has its own budget.
    await rl.acquire('other-bot', 'chat-0');
    expect(slept).toEqual([34]);
  });

  it('pauseChannel (429 retry_after) delays the whole bot', async () => {
    const { rl, slept } = limiter();
    rl.pauseChannel('bot', 3000);
    await rl.acquire('bot', 'chat-9');
    expect(slept).toEqual([3000]);
  });

  it('forgets idle chat buckets beyond its bound, keeping busy ones', async () => {
    let now = 0;
    const rl = new SendRateLimiter({ channelPerSecond: 1000, channelBurst: 1000, chatPerSecond: 1, chatBurst: 1 }, () => now, async (ms) => void (now += ms), 2);
    await rl.acquire('bot', 'a');
    now += 5000;
    await rl.acquire('bot', 'b');
    await rl.acquire('bot', 'c'); // 'a' is idle (full again) and is dropped; 'b' just spent its token and stays
    const chats = (rl as unknown as { chats: Map<string, unknown> }).chats;
    expect([...chats.keys()].map((k) => k.split('\u0000')[1]).sort()).toEqual(['b', 'c']);
  });
});

describe('SendRateLimiter.pauseChat', () => {
  it('holds one chat only', async () => {
    let now = 0;
    const slept: number[] = [];
    const rl = new SendRateLimiter({ channelPerSecond: 30, channelBurst: 30, chatPerSecond: 1, chatBurst: 3 }, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    rl.pauseChat('vk', 'peer-1', 2000);
    await rl.acquire('vk', 'peer-2');
    expect(slept).toEqual([]);
    await rl.acquire('vk', 'peer-1');
    expect(slept).toEqual([2000]);
  });
});

describe('SendRateLimiter with a shared channel budget', () => {
  function shared(waits: number[]) {
    const calls: string[] = [];
    const budget = {
      reserve: async (channel: string) => {
        calls.push(`reserve ${channel}`);
        const next = waits.shift();
        if (next === undefined) throw new Error('database unreachable');
        return next;
      },
      pause: async (channel: string, ms: number) => void calls.push(`pause ${channel} ${ms}`),
    };
    return { budget, calls };
  }

  it('the channel wait is the shared budget`s (the local channel bucket is not spent); the chat bucket stays local', async () => {
    let now = 0;
    const slept: number[] = [];
    const { budget, calls } = shared([0, 0, 250]);
    const rl = new SendRateLimiter({ channelPerSecond: 1, channelBurst: 1, chatPerSecond: 1, chatBurst: 1 }, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    }, 10, budget);
    await rl.acquire('bot', 'chat-1');
    await rl.acquire('bot', 'chat-2'); // the local channel bucket (1 per second) would have waited; the shared one did not
    expect(slept).toEqual([]);
    await rl.acquire('bot', 'chat-1'); // the chat's own second: 1000 ms, then the shared budget's 250
    expect(slept).toEqual([1000, 250]);
    expect(calls).toEqual(['reserve bot', 'reserve bot', 'reserve bot']);
  });

  it('pauseChannel pauses the shared budget (every instance) and this instance at once', async () => {
    let now = 0;
    const slept: number[] = [];
    const { budget, calls } = shared([0]);
    const rl = new SendRateLimiter({ channelPerSecond: 30, channelBurst: 30, chatPerSecond: 1, chatBurst: 1 }, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    }, 10, budget);
    rl.pauseChannel('bot', 3000);
    await rl.acquire('bot', 'chat-1');
    expect(calls).toEqual(['pause bot 3000', 'reserve bot']);
    expect(slept).toEqual([3000]);
  });

  it('the shared budget unreachable: this instance limits itself with its local channel bucket, and says so', async () => {
    let now = 0;
    const slept: number[] = [];
    const errors: string[] = [];
    const { budget } = shared([]);
    const rl = new SendRateLimiter({ channelPerSecond: 1, channelBurst: 1, chatPerSecond: 100, chatBurst: 100 }, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    }, 10, budget, (err) => errors.push((err as Error).message));
    await rl.acquire('bot', 'chat-1');
    await rl.acquire('bot', 'chat-2');
    expect(slept).toEqual([1000]);
    expect(errors).toEqual(['database unreachable', 'database unreachable']);
  });
});
