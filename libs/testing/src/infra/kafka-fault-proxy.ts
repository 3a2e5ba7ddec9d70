import { createServer, type Server, Socket } from 'node:net';

/**
 * What the proxy does to the broker's answers. `pass` forwards everything; `drop-produce-responses` swallows the
 * answer to every Produce request (the broker did write the records — the client just never hears so);
 * `delay-responses` holds every answer `delayMs` before forwarding it; `blackhole` swallows every answer.
 */
export type KafkaFaultMode =
  | { kind: 'pass' }
  | { kind: 'drop-produce-responses' }
  | { kind: 'delay-responses'; delayMs: number }
  | { kind: 'blackhole' };

export interface KafkaFaultProxy {
  /** The port clients (and the broker's advertised listener) use. */
  readonly port: number;
  setMode(mode: KafkaFaultMode): void;
  /** Closes every client connection now (a network cut); new connections are accepted. */
  cutConnections(): void;
  /** Counters since start: requests seen per Kafka API key, answers dropped. */
  readonly stats: { requests: Map<number, number>; droppedResponses: number; connections: number };
  close(): Promise<void>;
}

/** Kafka API key of Produce requests (the protocol's `ApiKey` 0). */
const PRODUCE_API_KEY = 0;

/**
 * Splits a Kafka wire stream into frames: a big-endian int32 size, then `size` bytes. Requests start with
 * (int16 apiKey, int16 apiVersion, int32 correlationId); responses with (int32 correlationId).
 */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) break;
      frames.push(this.buffer.subarray(0, 4 + size));
      this.buffer = this.buffer.subarray(4 + size);
    }
    return frames;
  }
}

/**
 * A TCP proxy in front of one Kafka broker that understands the protocol's framing, so it can lose or delay whole
 * answers (a client whose answer never comes times the request out; the connection stays in sync). The broker must
 * advertise the proxy's port, or clients go straight to the broker after the first metadata call.
 */
export async function startKafkaFaultProxy(target: { host?: string; port: number }, port = 0): Promise<KafkaFaultProxy> {
  let mode: KafkaFaultMode = { kind: 'pass' };
  const sockets = new Set<Socket>();
  const stats = { requests: new Map<number, number>(), droppedResponses: 0, connections: 0 };

  const server: Server = createServer((client) => {
    stats.connections += 1;
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    const produceCorrelationIds = new Set<number>();
    const requests = new FrameReader();
    const responses = new FrameReader();
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);

    client.on('data', (chunk) => {
      for (const frame of requests.push(chunk)) {
        const apiKey = frame.readInt16BE(4);
        stats.requests.set(apiKey, (stats.requests.get(apiKey) ?? 0) + 1);
        if (apiKey === PRODUCE_API_KEY) produceCorrelationIds.add(frame.readInt32BE(8));
        upstream.write(frame);
      }
    });
    upstream.on('data', (chunk) => {
      for (const frame of responses.push(chunk)) {
        const correlationId = frame.readInt32BE(4);
        const isProduce = produceCorrelationIds.delete(correlationId);
        if (mode.kind === 'blackhole' || (mode.kind === 'drop-produce-responses' && isProduce)) {
          stats.droppedResponses += 1;
        } else if (mode.kind === 'delay-responses') {
          setTimeout(() => client.write(frame), mode.delayMs);
        } else {
          client.write(frame);
        }
      }
    });
    upstream.connect(target.port, target.host ?? '127.0.0.1');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  return {
    port: boundPort,
    stats,
    setMode(next) {
      mode = next;
    },
    cutConnections() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
