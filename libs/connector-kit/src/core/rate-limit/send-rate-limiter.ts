import { TokenBucket } from './token-bucket';

/** Send limits of a platform: per channel (a bot, a community, a number) across its chats, and per chat. */
export interface SendRateLimits {
  channelPerSecond: number;
  channelBurst: number;
  chatPerSecond: number;
  chatBurst: number;
}

/**
 * A per-channel budget kept outside the process and shared by every instance of a connector (Postgres, see
 * SharedSendBudgetRepository): with two instances consuming different partitions for the same bot, the bot's limit
 * must not double. The per-chat buckets stay local: a chat's messages go to one partition, i.e. one instance.
 */
export interface SharedChannelBudget {
  /** Reserves one send of the channel; answers the milliseconds to wait before it may go. */
  reserve(channel: string): Promise<number>;
  /** Nobody sends on the channel for `ms`. */
  pause(channel: string, ms: number): Promise<void>;
}

/**
 * Two layers of token buckets: one per channel, one per (channel, chat). A caller first waits for its chat's slot,
 * then for the channel's, so a busy chat never holds channel slots it cannot use yet. A platform's "slow down"
 * (429 + retry-after) pauses the whole channel or one chat. With a `shared` budget the channel layer is that budget
 * (the local channel bucket only stands in while the shared one cannot be reached, `onSharedError`).
 */
export class SendRateLimiter {
  private readonly channels = new Map<string, TokenBucket>();
  private readonly chats = new Map<string, TokenBucket>();
  private readonly channelPauses = new Map<string, number>();

  constructor(
    private readonly limits: SendRateLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Chat buckets kept before idle ones are forgotten. */
    private readonly maxChats = 10_000,
    private readonly shared?: SharedChannelBudget,
    private readonly onSharedError: (err: unknown) => void = () => undefined,
  ) {}

  /** Resolves when one message of `channel` to `chat` may be sent. */
  async acquire(channel: string, chat: string): Promise<void> {
    const chatWait = this.chatBucket(channel, chat).reserve();
    if (chatWait > 0) await this.sleep(chatWait);
    const channelWait = await this.reserveChannel(channel);
    if (channelWait > 0) await this.sleep(channelWait);
  }

  /** Nothing goes out on the channel for `ms` (a 429 with retry_after for the whole bot / token). */
  pauseChannel(channel: string, ms: number): void {
    this.channelBucket(channel).blockUntil(this.now() + ms);
    if (!this.shared) return;
    this.channelPauses.set(channel, Math.max(this.channelPauses.get(channel) ?? 0, this.now() + ms));
    this.shared.pause(channel, ms).catch(this.onSharedError);
  }

  private async reserveChannel(channel: string): Promise<number> {
    if (!this.shared) return this.channelBucket(channel).reserve();
    let wait: number;
    try {
      wait = await this.shared.reserve(channel);
    } catch (err) {
      this.onSharedError(err);
      return this.channelBucket(channel).reserve();
    }
    const pausedUntil = this.channelPauses.get(channel) ?? 0;
    if (pausedUntil <= this.now()) this.channelPauses.delete(channel);
    return Math.max(wait, pausedUntil - this.now(), 0);
  }

  /** Nothing goes to this chat for `ms`. */
  pauseChat(channel: string, chat: string, ms: number): void {
    this.chatBucket(channel, chat).blockUntil(this.now() + ms);
  }

  private channelBucket(channel: string): TokenBucket {
    let bucket = this.channels.get(channel);
    if (!bucket) this.channels.set(channel, (bucket = new TokenBucket(this.limits.channelPerSecond, this.limits.channelBurst, this.now)));
    return bucket;
  }

  private chatBucket(channel: string, chat: string): TokenBucket {
    const key = `${channel}\u0000${chat}`;
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
