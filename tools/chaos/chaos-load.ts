// The load of a chaos scenario: every chat of every channel sends its messages one after another, as the platforms
// deliver a chat's updates, and re-delivers the same call until it gets a 2xx (timeouts, 5xx, refused connections are
// re-sent with backoff). What got a 2xx is recorded: those are the messages the system promised to keep.
import type { ChaosChannel, ChaosChannelType, WebhookCall } from './chaos-platforms';

export interface AckedMessage {
  type: ChaosChannelType;
  channelId: string;
  chat: string;
  seq: number;
  text: string;
  ackedAt: number;
  attempts: number;
  /** From the first delivery of the message to its 2xx. */
  waitedMs: number;
}

export interface LoadOptions {
  /** Prefix of every chat name and message text of the scenario (keeps scenarios apart in one database). */
  scenario: string;
  chatsPerChannel: number;
  /** Pause between a chat's acknowledged message and its next one. */
  intervalMs: number;
  /** A delivery not answered within this is abandoned and re-sent (platforms time webhooks out too). */
  attemptTimeoutMs?: number;
  /** How long a chat keeps re-delivering one message before the run is declared failed. */
  giveUpAfterMs?: number;
  /** Every answer's status and body (the secret scan reads them). */
  onAnswer?: (channel: ChaosChannel, status: number, body: string) => void;
}

const BACKOFF_MS = [100, 250, 500, 1_000, 2_000];

/** Delivers one call until the answer is 2xx; returns the number of attempts. */
export async function deliverUntilAccepted(
  call: WebhookCall,
  options: { attemptTimeoutMs: number; giveUpAfterMs: number; onAttempt?: (status: number | string) => void; onAnswer?: (status: number, body: string) => void },
): Promise<number> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await fetch(call.url, { method: 'POST', headers: call.headers, body: call.body, signal: AbortSignal.timeout(options.attemptTimeoutMs) }).then(
      async (res) => {
        const body = await res.text().catch(() => undefined);
        if (body !== undefined) options.onAnswer?.(res.status, body);
        return res.status;
      },
      (err: Error) => (err.name === 'TimeoutError' ? 'timeout' : 'connection-error'),
    );
    options.onAttempt?.(outcome);
    if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) return attempt;
    if (Date.now() - started > options.giveUpAfterMs) throw new Error(`${call.url}: no 2xx after ${attempt} attempts in ${Date.now() - started} ms (last: ${outcome})`);
    await new Promise((r) => setTimeout(r, BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]));
  }
}

/**
 * One loop per chat (`<scenario>-<i>`) of every channel, started together and stopped together; the first loop that
 * throws ends them all and `stop()` rethrows it.
 */
export abstract class PerChatLoops {
  protected running = false;
  private loops: Array<Promise<void>> = [];
  private failure?: Error;

  constructor(
    protected readonly channels: ChaosChannel[],
    private readonly chats: { scenario: string; chatsPerChannel: number },
  ) {}

  start(): void {
    this.running = true;
    for (const channel of this.channels) {
      for (let i = 0; i < this.chats.chatsPerChannel; i++) {
        this.loops.push(
          this.chatLoop(channel, `${this.chats.scenario}-${i}`).catch((err: unknown) => {
            this.failure ??= err as Error;
            this.running = false;
          }),
        );
      }
    }
  }

  /** Stops starting new work; resolves when every chat's current piece of it is done. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    if (this.failure) throw this.failure;
  }

  protected abstract chatLoop(channel: ChaosChannel, chat: string): Promise<void>;
}

export class ChaosLoad extends PerChatLoops {
  readonly acked: AckedMessage[] = [];
  /** Answers other than 2xx, by status (or `timeout` / `connection-error`). */
  readonly refusals = new Map<string, number>();
  private readonly retrying = new Set<string>();

  constructor(
    channels: ChaosChannel[],
    private readonly options: LoadOptions,
  ) {
    super(channels, options);
  }

  /** The longest a message waited for its 2xx (re-deliveries included). */
  get longestWaitMs(): number {
    return this.acked.reduce((max, m) => Math.max(max, m.waitedMs), 0);
  }

  /** Chats whose current message has not been accepted yet. */
  get chatsRetrying(): number {
    return this.retrying.size;
  }

  protected async chatLoop(channel: ChaosChannel, chat: string): Promise<void> {
    const key = `${channel.channelId}/${chat}`;
    for (let seq = 0; this.running; seq++) {
      const text = `chaos ${chat} ${channel.type} #${seq}`;
      const firstTry = Date.now();
      const call = await channel.call(chat, seq, text);
      const attempts = await deliverUntilAccepted(call, {
        attemptTimeoutMs: this.options.attemptTimeoutMs ?? 10_000,
        giveUpAfterMs: this.options.giveUpAfterMs ?? 300_000,
        onAnswer: this.options.onAnswer && ((status, body) => this.options.onAnswer!(channel, status, body)),
        onAttempt: (status) => {
          if (typeof status === 'number' && status >= 200 && status < 300) this.retrying.delete(key);
          else {
            this.retrying.add(key);
            const label = `${channel.type} ${status}`;
            this.refusals.set(label, (this.refusals.get(label) ?? 0) + 1);
          }
        },
      });
      this.acked.push({ type: channel.type, channelId: channel.channelId, chat, seq, text, ackedAt: Date.now(), attempts, waitedMs: Date.now() - firstTry });
      await new Promise((r) => setTimeout(r, this.options.intervalMs));
    }
  }
}
