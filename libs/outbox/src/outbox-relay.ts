import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventProducer, OutgoingMessage } from '@crm/messaging';
import { outboxBacklogQuery, trackOutboxBacklog } from './outbox-metrics';
import { OUTBOX_CHANNEL } from './outbox-writer';

export interface OutboxRelayOptions {
  databaseUrl: string;
  batchSize?: number;
  /** Safety-net poll interval; NOTIFY normally wakes the relay at once. */
  pollIntervalMs?: number;
  /**
   * After a NOTIFY, how long the relay waits for more commits before it publishes (default 10): on a busy service one
   * relay transaction and one produce request then carry the rows of many commits instead of one each.
   */
  lingerMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
  /** crm_outbox_backlog on /metrics reads the table at most this often (default 5000). */
  backlogSampleMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Session-level lock id shared by every relay instance: one instance publishes at a time, so per-key order holds. */
const RELAY_LOCK = 72_410_001;

/**
 * Publishes outbox rows to Kafka in id order and marks them published. Crash-safe: a row is marked only after Kafka
 * acknowledged it (acks=all), so a crash between the two republishes it (at-least-once; consumers dedupe by id).
 */
export class OutboxRelay {
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private wake?: () => void;
  /** A NOTIFY came since the current publish started: rows may be waiting that it did not see. */
  private notified = false;
  private loop?: Promise<void>;
  private lastCleanup = 0;
  private untrackBacklog?: () => void;
  published = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
    private readonly options: OutboxRelayOptions,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    this.untrackBacklog = trackOutboxBacklog(outboxBacklogQuery(this.dataSource), { minIntervalMs: this.options.backlogSampleMs });
    await this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.untrackBacklog?.();
    this.wake?.();
    await this.loop;
    clearTimeout(this.timer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes everything pending now (used by tests and at shutdown). Returns the number of rows published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'outbox-relay' });
      client.on('error', () => {
        this.listener = undefined;
      });
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      client.on('notification', () => {
        this.notified = true;
        this.wake?.();
      });
      this.listener = client;
    } catch (err) {
      this.options.log?.warn({ err }, 'outbox LISTEN failed; polling only');
    }
  }

  /**
   * Publish, then wait: not at all while a full batch says more rows are pending; for lingerMs when a NOTIFY came
   * meanwhile (or wakes the wait), so the next transaction gathers the commits of that time; else until a NOTIFY or the
   * poll interval (the safety net for a lost notification or a dropped LISTEN connection).
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      this.notified = false;
      try {
        published = await this.publishBatch();
        failures = 0;
        if (!this.listener) await this.listen();
        await this.cleanup();
      } catch (err) {
        failures += 1;
        this.options.log?.error({ err }, 'outbox relay failed; will retry');
      }
      if (failures === 0 && published >= this.batchSize) continue;
      if (failures === 0 && !this.notified) {
        const woken = await this.sleep(this.options.pollIntervalMs ?? 1000, true);
        if (!woken) continue;
      } else if (failures > 0) {
        await this.sleep(Math.min(5000, 200 * 2 ** failures), true);
        continue;
      }
      await this.sleep(this.options.lingerMs ?? 10, false);
    }
  }

  /** Resolves after `ms`, or earlier on a NOTIFY when `wakeable` (true then); stop() always ends it. */
  private async sleep(ms: number, wakeable: boolean): Promise<boolean> {
    if (ms <= 0 || !this.running) return false;
    const woken = await new Promise<boolean>((resolve) => {
      this.wake = wakeable ? () => resolve(true) : () => (this.running ? undefined : resolve(false));
      this.timer = setTimeout(() => resolve(false), ms);
    });
    clearTimeout(this.timer);
    this.wake = undefined;
    return woken;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK])) as Array<{ locked: boolean }>;
      if (!locked) return 0;
      const rows = (await manager.query(
        `SELECT id, topic, message_key, payload, headers FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.batchSize],
      )) as Array<{ id: string; topic: string; message_key: string; payload: unknown; headers: Record<string, string> }>;
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const row of rows) {
        const list = byTopic.get(row.topic) ?? [];
        list.push({ key: row.message_key, value: row.payload === null ? null : JSON.stringify(row.payload), headers: row.headers });
        byTopic.set(row.topic, list);
      }
      await Promise.all([...byTopic].map(([topic, messages]) => this.producer.send(topic, messages)));
      await manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      this.published += rows.length;
      return rows.length;
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)`,
      [(this.options.retentionMs ?? 86_400_000) / 1000],
    );
  }
}
