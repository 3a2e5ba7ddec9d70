import { Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import type { WidgetMessageView } from '../conversation/widget-message.view';

/** One open live connection of a visitor's page (a WebSocket), as the registry sees it. */
export interface LiveConnection {
  readonly accountId: string;
  readonly channelId: string;
  readonly visitorId: string;
  readonly openedAt: number;
  /** Sends one event frame; false when the connection could not take it. */
  send(event: LiveEvent): boolean;
  close(code: number, reason: string): void;
}

/** Frames the server pushes to the widget. */
export type LiveEvent =
  | { type: 'ready'; visitorId: string }
  | { type: 'message'; message: WidgetMessageView }
  | { type: 'catch-up'; items: WidgetMessageView[]; hasMore: boolean }
  | { type: 'error'; code: string; message: string };

/** Most pages one visitor may keep connected at once; a new one closes the oldest. */
export const MAX_CONNECTIONS_PER_VISITOR = 8;

const gauge = () =>
  (register.getSingleMetric('crm_widget_live_connections') as Gauge | undefined) ??
  new Gauge({ name: 'crm_widget_live_connections', help: 'Open live connections of widget visitors on this instance' });

/** The live connections of this instance, by visitor (channel + visitor id). */
@Injectable()
export class LiveConnections {
  private readonly byVisitor = new Map<string, Set<LiveConnection>>();
  /** Open connections per channel. */
  private readonly channels = new Map<string, number>();
  private readonly metric = gauge();
  private total = 0;

  add(connection: LiveConnection): void {
    const key = visitorKey(connection.channelId, connection.visitorId);
    let set = this.byVisitor.get(key);
    if (!set) this.byVisitor.set(key, (set = new Set()));
    set.add(connection);
    this.channels.set(connection.channelId, (this.channels.get(connection.channelId) ?? 0) + 1);
    this.total += 1;
    this.metric.set(this.total);
    if (set.size > MAX_CONNECTIONS_PER_VISITOR) {
      const oldest = [...set].sort((a, b) => a.openedAt - b.openedAt)[0];
      oldest.close(4409, 'too many connections');
      this.remove(oldest);
    }
  }

  remove(connection: LiveConnection): void {
    const key = visitorKey(connection.channelId, connection.visitorId);
    const set = this.byVisitor.get(key);
    if (!set?.delete(connection)) return;
    if (set.size === 0) this.byVisitor.delete(key);
    const left = (this.channels.get(connection.channelId) ?? 1) - 1;
    if (left > 0) this.channels.set(connection.channelId, left);
    else this.channels.delete(connection.channelId);
    this.total -= 1;
    this.metric.set(this.total);
  }

  /** Pushes `event` to every open page of the visitor; how many took it. */
  push(accountId: string, channelId: string, visitorId: string, event: LiveEvent): number {
    const set = this.byVisitor.get(visitorKey(channelId, visitorId));
    if (!set) return 0;
    let delivered = 0;
    for (const connection of set) {
      if (connection.accountId === accountId && connection.send(event)) delivered += 1;
    }
    return delivered;
  }

  /** Whether any visitor of `channelId` is connected to this instance. */
  watches(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  get size(): number {
    return this.total;
  }

  /** Closes every connection (shutdown: the pages reconnect to another instance). */
  closeAll(code: number, reason: string): void {
    for (const set of [...this.byVisitor.values()]) for (const connection of [...set]) {
      connection.close(code, reason);
      this.remove(connection);
    }
  }
}

function visitorKey(channelId: string, visitorId: string): string {
  return `${channelId}:${visitorId}`;
}
