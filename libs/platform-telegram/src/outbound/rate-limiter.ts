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

export interface SendRateLimits {
  /** Per bot, across all its chats (Telegram: ~30 messages/s). */
  botPerSecond: number;
  botBurst: number;
  /** Per chat (Telegram: ~1 message/s, short bursts tolerated). */
  chatPerSecond: number;
  chatBurst: number;
}

export const TELEGRAM_SEND_LIMITS: SendRateLimits = { botPerSecond: 30, botBurst: 30, chatPerSecond: 1, chatBurst: 3 };

/**
 * Telegram's published send limits as two layers of token buckets: one per bot, one per (bot, chat). A caller first
 * waits for its chat's slot, then for the bot's, so a busy chat never holds bot slots it cannot use yet.
 */
export class SendRateLimiter {
  private readonly bots = new Map<string, TokenBucket>();
  private readonly chats = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: SendRateLimits = TELEGRAM_SEND_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Chat buckets kept before idle ones are forgotten. */
    private readonly maxChats = 10_000,
  ) {}

  /** Resolves when one message of `bot` to `chat` may be sent. */
  async acquire(bot: string, chat: string): Promise<void> {
    const chatWait = this.chatBucket(bot, chat).reserve();
    if (chatWait > 0) await this.sleep(chatWait);
    const botWait = this.botBucket(bot).reserve();
    if (botWait > 0) await this.sleep(botWait);
  }

  /** Flood control from Telegram (429 retry_after): the whole bot pauses. */
  pauseBot(bot: string, ms: number): void {
    this.botBucket(bot).blockUntil(this.now() + ms);
  }

  private botBucket(bot: string): TokenBucket {
    let bucket = this.bots.get(bot);
    if (!bucket) this.bots.set(bot, (bucket = new TokenBucket(this.limits.botPerSecond, this.limits.botBurst, this.now)));
    return bucket;
  }

  private chatBucket(bot: string, chat: string): TokenBucket {
    const key = `${bot}\u0000${chat}`;
    let bucket = this.chats.get(key);
    if (!bucket) {
      if (this.chats.size >= this.maxChats) this.forgetIdleChats();
      this.chats.set(key, (bucket = new TokenBucket(this.limits.chatPerSecond, this.limits.chatBurst, this.now)));
    }
    return bucket;
  }

  private forgetIdleChats(): void {
    for (const [key, bucket] of this.chats) if (bucket.idle()) this.chats.delete(key);
  }
}
