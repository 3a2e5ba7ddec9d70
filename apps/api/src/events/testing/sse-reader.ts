import { waitFor } from '@crm/testing';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** A test client of GET /api/v1/events: collects parsed events until closed. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  contentType: string | null = null;
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  static async open(baseUrl: string, token: string): Promise<SseReader> {
    const reader = new SseReader();
    const res = await fetch(`${baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: reader.abort.signal });
    reader.status = res.status;
    reader.contentType = res.headers.get('content-type');
    if (res.ok && res.body) reader.done = reader.pump(res.body);
    else await res.text();
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
    } catch {
      // aborted or the server ended the stream
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
