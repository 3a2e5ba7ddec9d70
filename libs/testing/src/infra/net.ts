import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

/** Ports handed out by this process, never handed out twice. */
const handedOut = new Set<number>();

/** The kernel's range for the local ports of outgoing connections (Linux); undefined elsewhere. */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low > 2048 && high >= low ? [low, high] : undefined;
  } catch {
    return undefined;
  }
}

function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    // 0.0.0.0 conflicts with a listener on any local address, so a port free here is free for every service.
    server.listen(port, '0.0.0.0', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A free TCP port for a server a test or a tool is about to start, taken BELOW the kernel's ephemeral range: a port
 * from that range (what listen(0) gives) can be taken in the meantime by the local end of any outgoing connection —
 * a service connecting to Kafka or Postgres while another is still booting — and the server then fails with
 * EADDRINUSE. Falls back to listen(0) where the range is unknown or nothing below it is free.
 */
export async function freePort(): Promise<number> {
  const range = ephemeralRange();
  if (range) {
    const high = range[0] - 1;
    const low = Math.max(1024, high - 12_000);
    for (let attempt = 0; attempt < 200; attempt++) {
      const candidate = low + Math.floor(Math.random() * (high - low + 1));
      if (handedOut.has(candidate)) continue;
      if ((await bindable(candidate)) === candidate) {
        handedOut.add(candidate);
        return candidate;
      }
    }
  }
  for (;;) {
    const port = await bindable(0);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

export async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error(`process exited before port ${port} opened`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}
