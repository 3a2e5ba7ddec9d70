import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Gauge, register } from 'prom-client';
import { formatSse, type LiveEvent } from './live-event';

/** The writable side of one SSE connection. */
export interface LiveStream {
  write(chunk: string): void;
  end(): void;
}

const PING_EVERY_MS = 15_000;
const TICK_MS = 1_000;

function connectionsGauge(): Gauge {
  return (
    (register.getSingleMetric('crm_api_live_event_connections') as Gauge) ??
    new Gauge({ name: 'crm_api_live_event_connections', help: 'Open GET /api/v1/events streams of this instance' })
  );
}

/**
 * The SSE connections of this api instance, by account. An event is written only to the streams of its own account.
 * Keeps idle connections alive with a comment every 15 s, and ends every stream as soon as the HTTP server stops
 * listening (graceful shutdown would otherwise wait for long-lived streams).
 */
@Injectable()
export class LiveEventHub implements OnModuleDestroy {
  private readonly streams = new Map<string, Set<LiveStream>>();
  private timer?: NodeJS.Timeout;
  private lastPing = Date.now();
  private readonly gauge = connectionsGauge();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Registers a stream of the account; returns the function that removes it. */
  attach(accountId: string, stream: LiveStream): () => void {
    const set = this.streams.get(accountId) ?? new Set<LiveStream>();
    set.add(stream);
    this.streams.set(accountId, set);
    this.gauge.set(this.size);
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    return () => {
      set.delete(stream);
      if (set.size === 0 && this.streams.get(accountId) === set) this.streams.delete(accountId);
      this.gauge.set(this.size);
      if (this.size === 0) this.stopTimer();
    };
  }

  /** Writes the event to every stream of its account; returns how many received it. */
  publish(event: LiveEvent): number {
    const set = this.streams.get(event.accountId);
    if (!set || set.size === 0) return 0;
    const chunk = formatSse(event);
    for (const stream of set) stream.write(chunk);
    return set.size;
  }

  get size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  onModuleDestroy(): void {
    this.endAll();
  }

  private tick(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && !server.listening) {
      this.endAll();
      return;
    }
    if (Date.now() - this.lastPing >= PING_EVERY_MS) {
      this.lastPing = Date.now();
      for (const set of this.streams.values()) for (const stream of set) stream.write(': ping\n\n');
    }
  }

  private endAll(): void {
    const all = [...this.streams.values()].flatMap((set) => [...set]);
    this.streams.clear();
    for (const stream of all) stream.end();
    this.gauge.set(0);
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
