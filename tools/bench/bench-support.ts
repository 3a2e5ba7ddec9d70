// Process, metrics and statistics helpers of the connector benchmarks: child processes with logs, health waits,
// RSS / CPU sampling from /proc, the connector's request histogram, topic record counts, percentiles.
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { KafkaConnection } from '@crm/messaging';
import { repoRoot } from '@crm/testing';
import { loadServices, nodeOptionsEnv } from '../deploy/service-catalog';

export const say = (line: string) => process.stdout.write(`${line}\n`);
export const round = (n: number) => Math.round(n * 10) / 10;
export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** The node flags deploy/services.json gives `service` (NODE_OPTIONS), so the benchmark runs it as it is deployed. */
export function deployedNodeOptions(service: string): { NODE_OPTIONS?: string } {
  const entry = loadServices(repoRoot()).find((s) => s.name === service);
  if (!entry) throw new Error(`${service} is not in deploy/services.json`);
  return nodeOptionsEnv(entry);
}

/** Starts a built service (node <script>) with its output in <workDir>/<name>.log; BENCH_NODE_ARGS adds node flags. */
export function startChild(name: string, script: string, childEnv: NodeJS.ProcessEnv, workDir: string): ChildProcess {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startProgram(name, process.execPath, [...nodeArgs, script], childEnv, workDir);
}

/** Starts `command` with its output in <workDir>/<name>.log. */
export function startProgram(name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv, workDir: string): ChildProcess {
  const child = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(workDir, `${name}.log`));
  // Both streams into one file, ended once the process is gone (the first stream to end must not close it).
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') say(`  ! ${name} exited (${signal ?? code}); see ${join(workDir, `${name}.log`)}`);
  });
  return child;
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function until<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited`);
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    return res?.status === 200 || undefined;
  }, 120_000, `${url} healthy`);
}

/** One field of /proc/<pid>/status in bytes (VmRSS, RssAnon…); 0 when the process is gone. */
function statusBytes(pid: number, field: string): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples VmRSS of a process every 200 ms (Linux /proc), and RssAnon — its private memory (heap, buffers), without the
 * file pages it maps (the node binary's code, ≈55 MB, shared with every node process on the machine).
 */
export function rssSampler(pid: number) {
  const read = () => statusBytes(pid, 'VmRSS');
  let peak = read();
  let peakAnon = statusBytes(pid, 'RssAnon');
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
    peakAnon = Math.max(peakAnon, statusBytes(pid, 'RssAnon'));
  }, 200);
  return { current: read, peak: () => Math.max(peak, read()), peakAnon: () => Math.max(peakAnon, statusBytes(pid, 'RssAnon')), stop: () => clearInterval(timer) };
}

/** utime + stime of a process in seconds (Linux /proc; 100 clock ticks a second). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total clock ticks of the whole machine so far (Linux /proc/stat, all cores): the share the stack leaves free. */
export function machineTicks(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Sum and count of a histogram (all label sets) on a service's /metrics. */
export async function histogramTotals(metricsUrl: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_(sum|count)(?:\\{[^}]*\\})? ([0-9.e+-]+)`).exec(line);
    if (m?.[1] === 'sum') sum += Number(m[2]);
    else if (m?.[1] === 'count') count += Number(m[2]);
  }
  return { sum, count };
}

/** Cumulative bucket counts (le in ms → count) of one route's 200s in a service's crm_http_request_duration_seconds. */
export async function routeHistogram(metricsUrl: string, route: string): Promise<Map<number, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^crm_http_request_duration_seconds_bucket\{([^}]*)\} (\d+)/.exec(line);
    if (!m || !m[1].includes(`route="${route}"`) || !m[1].includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(m[1])![1];
    buckets.set(le === '+Inf' ? Infinity : Number(le) * 1000, Number(m[2]));
  }
  return buckets;
}

/** The requests between two scrapes: share within 25 ms and the bucket bounds (ms) of p50 / p99. */
export function diffHistogram(after: Map<number, number>, before: Map<number, number>) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  const bound = (q: number) => {
    const i = counts.findIndex((c) => c >= q * total);
    return i < 0 ? null : bounds[i] === Infinity ? 'inf' : bounds[i];
  };
  const at25 = counts[bounds.indexOf(25)] ?? 0;
  return { requests: total, within25ms: total ? round((at25 / total) * 100) : 0, p50Bound: bound(0.5), p99Bound: bound(0.99) };
}

/** How many records a topic holds (sum of high watermarks minus low ones). */
export async function recordsIn(connection: KafkaConnection, base: string): Promise<number> {
  const admin = connection.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(connection.topic(base));
    return offsets.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Kafka and Postgres as `npm start` provisions them, plus a fresh migrated database of this run (dropped at cleanup). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}

export function countBy(values: string[]): Record<string, number> {
  return values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
}

/**
 * How fast this machine is right now, so figures of runs on different days can be compared: the time of two fixed
 * single-thread workloads, a JSON round trip of a webhook-sized body (V8: parse, allocate, stringify) and SHA-256 of
 * 64 MiB (native code), each the best of three. Taken while nothing of the benchmark runs yet.
 */
export function machineReference(): { jsonRoundTripMs: number; sha256Ms: number } {
  const body = JSON.stringify({ type: 'message_new', event_id: 'a'.repeat(40), object: { message: { id: 1, from_id: 2, peer_id: 2, date: 1, text: 'Здравствуйте! Вопрос: когда будет доставка заказа?'.repeat(3), attachments: [] } } });
  const chunk = Buffer.alloc(64 * 1024, 7);
  const best = (run: () => void) => {
    let min = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      run();
      min = Math.min(min, performance.now() - t);
    }
    return Math.round(min);
  };
  let sink = 0;
  const jsonRoundTripMs = best(() => {
    for (let i = 0; i < 100_000; i++) sink += JSON.stringify(JSON.parse(body)).length;
  });
  const sha256Ms = best(() => {
    const hash = createHash('sha256');
    for (let i = 0; i < 1024; i++) hash.update(chunk);
    sink += hash.digest()[0];
  });
  if (sink < 0) throw new Error('unreachable');
  return { jsonRoundTripMs, sha256Ms };
}
