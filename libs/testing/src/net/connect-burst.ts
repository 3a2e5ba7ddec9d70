import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Runs in a child process, so the connections are attempted while the listening process's event loop is blocked.
const BURST_SCRIPT = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
let done = 0, slowest = 0, failed = 0;
const sockets = [];
for (let i = 0; i < count; i++) {
  const started = Date.now();
  const s = net.connect({ port, host: '127.0.0.1' });
  sockets.push(s);
  s.once('connect', () => finish(Date.now() - started));
  s.once('error', () => { failed++; finish(0); });
}
process.stdout.write('connecting\\n');
function finish(ms) {
  slowest = Math.max(slowest, ms);
  if (++done === count) { sockets.forEach((s) => s.destroy()); process.stdout.write(JSON.stringify({ slowestMs: slowest, failed }) + '\\n'); }
}
`;

export interface ConnectBurstResult {
  /** The slowest TCP handshake: ≥ 1 s when the listen queue overflowed (the SYN is dropped and re-sent after 1 s). */
  slowestMs: number;
  failed: number;
}

/**
 * Opens `count` TCP connections to 127.0.0.1:`port` at once from a child process and reports the slowest handshake.
 * `whileConnecting` runs once the child is connecting (e.g. blocks this event loop, so nothing is accepted meanwhile).
 */
export function connectBurst(port: number, count: number, whileConnecting: () => void = () => undefined): Promise<ConnectBurstResult> {
  return new Promise<ConnectBurstResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BURST_SCRIPT, String(port), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let out = '';
    let held = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      // The child has sent its SYNs: hold the accept loop now, before the handshakes are taken off the queue.
      if (!held && out.startsWith('connecting\n')) {
        held = true;
        whileConnecting();
      }
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`connect burst exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as ConnectBurstResult);
    });
  });
}

/** Blocks this thread's event loop for `ms` (nothing is accepted, read or written meanwhile). */
export function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * How many simultaneous connections overflow Node's default listen queue (511) but fit one of `backlog` as the kernel
 * caps it (net.core.somaxconn); 0 when this machine cannot tell the two apart (a small somaxconn, or no /proc).
 */
export function burstBeyondDefaultBacklog(backlog: number): number {
  let somaxconn: number;
  try {
    somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  } catch {
    return 0;
  }
  // At most 1,536: well past 511, and few enough that the connecting child's own event loop (which the handshake
  // times include) stays far under the 1 s of a re-sent SYN on a slow, busy machine (3,896 took it past 1.2 s).
  const burst = Math.min(Math.min(somaxconn, backlog) - 200, 1536);
  return burst > 800 ? burst : 0;
}
