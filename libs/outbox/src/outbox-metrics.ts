import { Gauge, register } from 'prom-client';
import type { DataSource } from 'typeorm';

/** Unpublished outbox rows of one topic. */
export interface OutboxBacklogRow {
  /** Base topic. */
  topic: string;
  rows: number;
  /** Age of the oldest unpublished row, seconds. */
  oldestSeconds: number;
}

export interface OutboxBacklogOptions {
  /** The table is read at most this often, however often /metrics is scraped (default 5000). */
  minIntervalMs?: number;
  /** A scrape waits at most this long for a fresh count, then answers with the previous one (default 1000). */
  scrapeWaitMs?: number;
}

/**
 * Unpublished rows per topic (system-wide, like the relay itself: every account's rows are the relay's backlog). Uses
 * the partial index idx_outbox_unpublished, so it reads the backlog only, never the published history.
 */
export function outboxBacklogQuery(dataSource: DataSource): () => Promise<OutboxBacklogRow[]> {
  return async () => {
    const rows = (await dataSource.query(
      `SELECT topic, count(*)::int AS rows, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest
         FROM outbox WHERE published_at IS NULL GROUP BY topic`,
    )) as Array<{ topic: string; rows: number; oldest: number }>;
    return rows.map((r) => ({ topic: r.topic, rows: Number(r.rows), oldestSeconds: Math.max(0, Number(r.oldest)) }));
  };
}

/** Reads the backlog through `query`, cached for `minIntervalMs`, one query at a time. */
class BacklogSampler {
  private rows: OutboxBacklogRow[] = [];
  private at = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<void>;
  /** Topics seen once keep reporting (0) so a drained backlog shows as 0, not as a missing series. */
  readonly topics = new Set<string>();

  constructor(
    private readonly query: () => Promise<OutboxBacklogRow[]>,
    private readonly minIntervalMs: number,
    private readonly scrapeWaitMs: number,
  ) {}

  async sample(): Promise<OutboxBacklogRow[]> {
    if (!this.inflight && Date.now() - this.at >= this.minIntervalMs) {
      this.inflight = this.query()
        .then((rows) => {
          this.rows = rows;
          for (const r of rows) this.topics.add(r.topic);
        })
        // The database is down: keep the last sample; readiness and the DB metrics tell that story.
        .catch(() => undefined)
        .finally(() => {
          this.at = Date.now();
          this.inflight = undefined;
        });
    }
    if (this.inflight) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.inflight, new Promise((resolve) => (timer = setTimeout(resolve, this.scrapeWaitMs)))]);
      clearTimeout(timer);
    }
    return this.rows;
  }
}

const SAMPLERS_KEY = Symbol.for('crm.outbox.backlog-samplers');
function samplers(): Set<BacklogSampler> {
  const holder = globalThis as { [SAMPLERS_KEY]?: Set<BacklogSampler> };
  return (holder[SAMPLERS_KEY] ??= new Set());
}

/** Sums what every sampler of the process reports (normally one relay) into the gauge. */
async function fill(gauge: Gauge<'topic'>, value: (r: OutboxBacklogRow) => number, merge: (a: number, b: number) => number): Promise<void> {
  const totals = new Map<string, number>();
  for (const sampler of samplers()) {
    const rows = await sampler.sample();
    for (const topic of sampler.topics) if (!totals.has(topic)) totals.set(topic, 0);
    for (const r of rows) totals.set(r.topic, merge(totals.get(r.topic) ?? 0, value(r)));
  }
  gauge.reset();
  for (const [topic, n] of totals) gauge.set({ topic }, n);
}

function backlogGauges(): void {
  if (!register.getSingleMetric('crm_outbox_backlog')) {
    new Gauge({
      name: 'crm_outbox_backlog',
      help: 'Outbox rows not yet published to Kafka, per topic (the same table for every instance: aggregate with max)',
      labelNames: ['topic'],
      async collect() {
        await fill(this, (r) => r.rows, (a, b) => Math.max(a, b));
      },
    });
  }
  if (!register.getSingleMetric('crm_outbox_oldest_unpublished_seconds')) {
    new Gauge({
      name: 'crm_outbox_oldest_unpublished_seconds',
      help: 'Age of the oldest unpublished outbox row, per topic (0 when none)',
      labelNames: ['topic'],
      async collect() {
        await fill(this, (r) => r.oldestSeconds, (a, b) => Math.max(a, b));
      },
    });
  }
}

/** Reports the outbox backlog on /metrics until the returned function is called. */
export function trackOutboxBacklog(query: () => Promise<OutboxBacklogRow[]>, options: OutboxBacklogOptions = {}): () => void {
  backlogGauges();
  const sampler = new BacklogSampler(query, options.minIntervalMs ?? 5000, options.scrapeWaitMs ?? 1000);
  samplers().add(sampler);
  return () => {
    samplers().delete(sampler);
  };
}
