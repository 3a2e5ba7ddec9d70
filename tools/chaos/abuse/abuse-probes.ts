// What the abuse run measures around each endpoint: a service's memory after a full GC (through the DevTools protocol
// of a process started with `--inspect` — production code gets no test hook), whether its process is alive
// and ready, and whether anything was stored (row counts of the tables a call could write, records on
// channels.inbound.v1).
import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import type { Client } from 'pg';
import WebSocket from 'ws';
import type { ChaosStack } from '../chaos-stack';

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status). */
export function rssOf(pid: number): number {
  const line = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) * 1024;
}

/** A full GC in the process behind `inspectorUrl` (HeapProfiler.collectGarbage), resolved when it finished. */
export function collectGarbage(inspectorUrl: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(inspectorUrl);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`GC through ${inspectorUrl} timed out`));
    }, timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
      if (reply.id !== 1) return;
      clearTimeout(timer);
      socket.close();
      if (reply.error) reject(new Error(reply.error.message));
      else resolve();
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** RSS of a service after two full GCs (the second frees what finalizers of the first released). */
export async function rssAfterGc(stack: ChaosStack, service: string): Promise<number> {
  const s = stack.services.get(service);
  if (!s?.child?.pid || !s.inspectorUrl) throw new Error(`${service} runs without an inspector (start the stack with nodeArgs ['--inspect=127.0.0.1:{inspectPort}'])`);
  await collectGarbage(s.inspectorUrl);
  await collectGarbage(s.inspectorUrl);
  return rssOf(s.child.pid);
}

/** The process still runs (same start count as before) and answers /health/ready 200. */
export async function serviceHealthy(stack: ChaosStack, service: string, startsBefore: number): Promise<{ alive: boolean; ready: boolean }> {
  const s = stack.services.get(service);
  const alive = !!s?.child && s.child.exitCode === null && s.child.signalCode === null && s.starts === startsBefore;
  const res = await fetch(`${stack.url(service)}/health/ready`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  return { alive, ready: res?.status === 200 };
}

export const STORED_TABLES = ['messages', 'dialogs', 'clients', 'leads', 'outbox'] as const;

export type StoredCounts = Record<(typeof STORED_TABLES)[number] | 'inboundRecords', number>;

/** Row counts of every table a public call could write, and the records on channels.inbound.v1 (sum of end offsets). */
export async function storedCounts(db: Client, admin: Admin, inboundTopic: string): Promise<StoredCounts> {
  const { rows } = await db.query<Record<string, number>>(`SELECT ${STORED_TABLES.map((t) => `(SELECT count(*)::int FROM "${t}") AS "${t}"`).join(', ')}`);
  return { ...(rows[0] as Omit<StoredCounts, 'inboundRecords'>), inboundRecords: await inboundRecords(admin, inboundTopic) };
}

/** Records on a topic so far (sum of its partitions' end offsets). */
export async function inboundRecords(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** What grew between two snapshots (`table +n`), empty when nothing did. */
export function storedDiff(before: StoredCounts, after: StoredCounts): string[] {
  return (Object.keys(before) as Array<keyof StoredCounts>).filter((k) => after[k] !== before[k]).map((k) => `${k} ${after[k] - before[k] > 0 ? '+' : ''}${after[k] - before[k]}`);
}
