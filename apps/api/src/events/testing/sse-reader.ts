import { waitFor } from '@crm/testing';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseOpenOptions {
  token?: string;
  ticket?: string;
  /** `?lastEventId=` */
  lastEventId?: string;
  /** The `Last-Event-ID` header. */
  lastEventIdHeader?: string;
}

/** A test client of GET /api/v1/events: collects parsed events until closed (or until the server ends the stream). */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  contentType: string | null = null;
  /** The JSON error body when the stream was refused. */
  error?: any;
  /** Set when the server ended the stream (not when we closed it). */
  endedAt?: number;
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  static async open(baseUrl: string, tokenOrOptions: string | SseOpenOptions): Promise<SseReader> {
    const o: SseOpenOptions = typeof tokenOrOptions === 'string' ? { token: tokenOrOptions } : tokenOrOptions;
    const reader = new SseReader();
    const query = new URLSearchParams();
    if (o.ticket !== undefined) query.set('ticket', o.ticket);
    if (o.lastEventId !== undefined) query.set('lastEventId', o.lastEventId);
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.lastEventIdHeader !== undefined) headers['last-event-id'] = o.lastEventIdHeader;
    const qs = query.size > 0 ? `?${query}` : '';
    const res = await fetch(`${baseUrl}/api/v1/events${qs}`, { headers, signal: reader.abort.signal });
    reader.status = res.status;
    reader.contentType = res.headers.get('content-type');
    if (res.ok && res.body) reader.done = reader.pump(res.body);
    else reader.error = await res.json().catch(() => undefined);
    return reader;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (!line || line.startsWith(':')) continue;
            const i = line.indexOf(':');
            fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
          }
          if (fields.event && fields.data !== undefined) this.events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
      }
      this.endedAt = Date.now();
    } catch {
      // aborted by close()
    }
  }

  /** Waits for an event matching `predicate` (among those received so far and later). */
  async next(predicate: (e: SseEvent) => boolean, timeoutMs = 15_000, what = 'an SSE event'): Promise<SseEvent> {
    return waitFor(() => this.events.find(predicate), timeoutMs, what);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
