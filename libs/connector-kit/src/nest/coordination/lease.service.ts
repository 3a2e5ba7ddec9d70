import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Names taken or renewed per statement (a connector with many channels renews them in a few round trips). */
const CHUNK = 1000;

/**
 * Named leases in Postgres (table `leases`), shared by every instance: a lease is held by one holder until it
 * expires; the holder renews it, anybody takes it once expired (its holder died or lost the database). Taking and
 * renewing is ONE atomic upsert per chunk of names — two instances asking at once never both get a name. Times are
 * the database's clock, so instances' clocks need not agree.
 */
@Injectable()
export class LeaseService {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes or renews one lease for `ttlMs`; true while `holder` holds it. */
  async tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.tryAcquire([name], holder, ttlMs)).has(name);
  }

  /** Takes or renews the leases of `names` for `ttlMs`; answers those `holder` holds now (the others are someone else's). */
  async tryAcquire(names: Iterable<string>, holder: string, ttlMs: number): Promise<Set<string>> {
    // Sorted: concurrent batches lock their rows in the same order, so they never deadlock.
    const sorted = [...new Set(names)].sort();
    const held = new Set<string>();
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const rows: Array<{ name: string }> = await this.dataSource.query(
        `INSERT INTO leases AS l (name, holder, expires_at)
         SELECT n, $2, now() + make_interval(secs => $3::double precision / 1000) FROM unnest($1::text[]) AS n
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE l.holder = excluded.holder OR l.expires_at <= now()
         RETURNING l.name`,
        [sorted.slice(i, i + CHUNK), holder, ttlMs],
      );
      for (const row of rows) held.add(row.name);
    }
    return held;
  }

  /** Gives up `holder`'s leases of `names` (all of them when omitted), so another instance takes over at once. */
  async release(holder: string, names?: Iterable<string>): Promise<void> {
    if (names === undefined) {
      await this.dataSource.query(`DELETE FROM leases WHERE holder = $1`, [holder]);
      return;
    }
    await this.dataSource.query(`DELETE FROM leases WHERE holder = $1 AND name = ANY($2::text[])`, [holder, [...names]]);
  }
}
