import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LiveEvent, LiveEventDraft } from './live-event';

type Db = Pick<EntityManager, 'query'>;

/** NOTIFY channel that wakes every api instance's stream feed when events were recorded. */
export const LIVE_EVENTS_CHANNEL = 'crm_live_events';
/**
 * Transaction-level lock taken by every writer of live_events: ids are drawn and committed in one order, so a reader
 * that has seen id N has seen every id below N that will ever exist (no event appears "behind" a stream's position).
 */
const WRITE_LOCK = 72_410_002;

/** Postgres jsonb refuses NUL characters; they carry nothing a browser needs. */
const withoutNul = (_key: string, value: unknown) => (typeof value === 'string' ? value.replaceAll(String.fromCharCode(0), '') : value);

/**
 * Records events in the durable sequence, once per source event (a redelivery changes nothing), in the given order,
 * for accounts that exist. Call inside a transaction; returns how many rows were new.
 */
export async function appendLiveEvents(m: Db, drafts: LiveEventDraft[]): Promise<number> {
  if (drafts.length === 0) return 0;
  await m.query(`SELECT pg_advisory_xact_lock($1)`, [WRITE_LOCK]);
  const rows = (await m.query(
    `INSERT INTO live_events (account_id, source_id, type, data)
     SELECT u.account_id, u.source_id, u.type, u.data
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS u(account_id, source_id, type, data, n)
      WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = u.account_id)
      ORDER BY u.n
     ON CONFLICT (source_id) DO NOTHING
     RETURNING id`,
    [drafts.map((d) => d.accountId), drafts.map((d) => d.sourceId), drafts.map((d) => d.type), drafts.map((d) => JSON.stringify(d.data, withoutNul))],
  )) as unknown[];
  if (rows.length > 0) await m.query(`SELECT pg_notify($1, '')`, [LIVE_EVENTS_CHANNEL]);
  return rows.length;
}

/** Events of the given accounts after `after` (and up to `upTo`), oldest first. */
export async function readLiveEvents(db: Db, accountIds: string[], after: bigint, upTo: bigint | null, limit: number): Promise<LiveEvent[]> {
  const rows = (await db.query(
    `SELECT e.id::text AS id, e.account_id, e.type, e.data FROM live_events e
      WHERE e.account_id = ANY($1::uuid[]) AND e.id > $2::bigint AND ($3::bigint IS NULL OR e.id <= $3::bigint)
      ORDER BY e.id LIMIT $4`,
    [accountIds, after.toString(), upTo === null ? null : upTo.toString(), limit],
  )) as Array<{ id: string; account_id: string; type: string; data: Record<string, unknown> }>;
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, type: r.type, data: r.data }));
}

/** The newest position of the sequence (0 when empty): where a stream without a position starts. */
export async function latestLiveEventId(db: Db): Promise<bigint> {
  const [row] = (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM live_events`)) as Array<{ id: string }>;
  return BigInt(row.id);
}

/** Drops events older than the retention window (maintenance over every account). */
export async function pruneLiveEvents(db: Db, retentionMs: number): Promise<void> {
  await db.query(`DELETE FROM live_events WHERE created_at < now() - make_interval(secs => $1)`, [retentionMs / 1000]);
}

/** Where the stream feed reads the sequence from (the live_events table; tests of the hub's ordering use a fake). */
export interface LiveEventSource {
  latest(): Promise<bigint>;
  read(accountIds: string[], after: bigint, upTo: bigint | null, limit: number): Promise<LiveEvent[]>;
}

@Injectable()
export class LiveEventReader implements LiveEventSource {
  constructor(private readonly dataSource: DataSource) {}

  latest(): Promise<bigint> {
    return latestLiveEventId(this.dataSource);
  }

  read(accountIds: string[], after: bigint, upTo: bigint | null, limit: number): Promise<LiveEvent[]> {
    return readLiveEvents(this.dataSource, accountIds, after, upTo, limit);
  }
}
