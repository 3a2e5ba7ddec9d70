import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { Gauge, register } from 'prom-client';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../config/api.config';
import { formatSse, type LiveEvent } from './live-event';
import { LiveEventReader, type LiveEventSource } from './live-event.store';
import { LiveEventSignal, type LiveEventWakeup } from './live-event.signal';

/** The writable side of one SSE connection. */
export interface LiveStream {
  write(chunk: string): void;
  end(): void;
}

/** A stream attached to the hub: `ready` settles once it has replayed what it missed and is live. */
export interface LiveAttachment {
  detach(): void;
  ready: Promise<void>;
}

interface Subscriber {
  accountId: string;
  stream: LiveStream;
  /** The last id this stream has been given (or has said it has seen). */
  cursor: bigint;
  /** false while it replays; the feed writes only to live subscribers. */
  live: boolean;
  detached: boolean;
  detach(): void;
}

const PING_EVERY_MS = 15_000;
const REPLAY_PAGE = 500;
const FEED_PAGE = 1_000;

function connectionsGauge(): Gauge {
  return (
    (register.getSingleMetric('crm_api_live_event_connections') as Gauge) ??
    new Gauge({ name: 'crm_api_live_event_connections', help: 'Open GET /api/v1/events streams of this instance' })
  );
}

/**
 * The SSE connections of this api instance, by account, fed from the durable sequence of live events (live_events):
 * woken by NOTIFY from whichever instance recorded an event, and polling as a safety net. A stream that gives a
 * position first replays everything of its account after it, then goes live — each event exactly once, in order.
 * `horizon` is the position up to which the feed has read for every attached account (writers commit in id order,
 * so nothing can appear below it later). Keeps idle connections alive with a comment every 15 s, and ends every
 * stream once the HTTP server stops listening (graceful shutdown would otherwise wait for long-lived streams).
 */
@Injectable()
export class LiveEventHub implements OnModuleDestroy {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private horizon: bigint | null = null;
  private horizonLoading?: Promise<bigint>;
  /** Bumped whenever the hub goes idle, so a read started before that is not applied after. */
  private generation = 0;
  private polling = false;
  private pollAgain = false;
  private timer?: NodeJS.Timeout;
  private lastPing = Date.now();
  private lastPoll = 0;
  private readonly gauge = connectionsGauge();
  private readonly pollEveryMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LiveEventReader) private readonly source: LiveEventSource,
    @Inject(LiveEventSignal) private readonly wakeup: LiveEventWakeup,
    @Inject(SERVICE_CONFIG) config: Pick<ApiConfig, 'LIVE_EVENTS_POLL_MS'>,
    @Inject(LOGGER) private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.pollEveryMs = config.LIVE_EVENTS_POLL_MS;
    this.wakeup.onSignal(() => this.poll());
  }

  /** Attaches a stream of the account; `after` = the last id the client has seen (replay), none = from now on. */
  attach(accountId: string, stream: LiveStream, after?: bigint): LiveAttachment {
    const set = this.subscribers.get(accountId) ?? new Set<Subscriber>();
    const sub: Subscriber = {
      accountId,
      stream,
      cursor: 0n,
      live: false,
      detached: false,
      detach: () => {
        if (sub.detached) return;
        sub.detached = true;
        set.delete(sub);
        if (set.size === 0 && this.subscribers.get(accountId) === set) this.subscribers.delete(accountId);
        this.gauge.set(this.size);
        if (this.size === 0) this.idle();
      },
    };
    set.add(sub);
    this.subscribers.set(accountId, set);
    this.gauge.set(this.size);
    this.wakeup.ensure();
    this.timer ??= setInterval(() => this.tick(), Math.min(1_000, this.pollEveryMs));
    const ready = this.start(sub, after).catch((err: unknown) => {
      sub.detach();
      throw err;
    });
    return { detach: sub.detach, ready };
  }

  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /** Reads what was recorded since the horizon for the attached accounts and writes it to their live streams. */
  poll(): void {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.horizon === null || this.subscribers.size === 0) return;
    this.polling = true;
    this.lastPoll = Date.now();
    void this.feed()
      .catch((err: unknown) => this.logger.warn({ err }, 'live events poll failed; will retry'))
      .finally(() => (this.polling = false));
  }

  onModuleDestroy(): void {
    this.endAll();
  }

  private async start(sub: Subscriber, after: bigint | undefined): Promise<void> {
    const horizon = await this.knownHorizon();
    sub.cursor = after ?? horizon;
    await this.catchUp(sub);
  }

  /** Replays the subscriber's account from its cursor until it has reached the horizon, then makes it live. */
  private async catchUp(sub: Subscriber): Promise<void> {
    for (;;) {
      if (sub.detached) return;
      const bound = this.horizon ?? sub.cursor;
      if (sub.cursor < bound) {
        const rows = await this.source.read([sub.accountId], sub.cursor, bound, REPLAY_PAGE);
        if (sub.detached) return;
        for (const row of rows) this.deliver(sub, row);
        if (rows.length === REPLAY_PAGE) continue;
        sub.cursor = bound;
        // The feed moved on while we read: replay that stretch too before going live.
        if (this.horizon !== bound) continue;
      }
      sub.live = true;
      return;
    }
  }

  private async feed(): Promise<void> {
    do {
      this.pollAgain = false;
      const from = this.horizon;
      const generation = this.generation;
      const accounts = [...this.subscribers.keys()];
      if (from === null || accounts.length === 0) return;
      const rows = await this.source.read(accounts, from, null, FEED_PAGE);
      if (generation !== this.generation) return;
      for (const row of rows) {
        for (const sub of this.subscribers.get(row.accountId) ?? []) if (sub.live) this.deliver(sub, row);
      }
      if (rows.length > 0) this.horizon = BigInt(rows[rows.length - 1].id);
      this.rewindUnread(new Set(accounts));
      if (rows.length === FEED_PAGE) this.pollAgain = true;
    } while (this.pollAgain);
  }

  /** Live streams of accounts attached while that read was in flight did not get its stretch: they replay it. */
  private rewindUnread(read: Set<string>): void {
    for (const [accountId, set] of this.subscribers) {
      if (read.has(accountId)) continue;
      for (const sub of set) {
        if (!sub.live || this.horizon === null || sub.cursor >= this.horizon) continue;
        sub.live = false;
        this.catchUp(sub).catch(() => this.drop(sub));
      }
    }
  }

  private deliver(sub: Subscriber, event: LiveEvent): void {
    const id = BigInt(event.id);
    if (id <= sub.cursor) return;
    sub.cursor = id;
    sub.stream.write(formatSse(event));
  }

  private async knownHorizon(): Promise<bigint> {
    if (this.horizon !== null) return this.horizon;
    const generation = this.generation;
    this.horizonLoading ??= this.source.latest().finally(() => (this.horizonLoading = undefined));
    const latest = await this.horizonLoading;
    if (this.horizon === null && generation === this.generation) this.horizon = latest;
    return this.horizon ?? latest;
  }

  private tick(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && !server.listening) {
      this.endAll();
      return;
    }
    this.wakeup.ensure();
    if (Date.now() - this.lastPoll >= this.pollEveryMs) this.poll();
    if (Date.now() - this.lastPing >= PING_EVERY_MS) {
      this.lastPing = Date.now();
      for (const set of this.subscribers.values()) for (const sub of set) sub.stream.write(': ping\n\n');
    }
  }

  private drop(sub: Subscriber): void {
    sub.detach();
    sub.stream.end();
  }

  private idle(): void {
    this.horizon = null;
    this.generation += 1;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private endAll(): void {
    const all = [...this.subscribers.values()].flatMap((set) => [...set]);
    this.subscribers.clear();
    for (const sub of all) {
      sub.detached = true;
      sub.stream.end();
    }
    this.gauge.set(0);
    this.idle();
  }
}
