import type { DataSource } from 'typeorm';

export interface DependencyCheck {
  up: boolean;
  detail?: string;
  latencyMs: number;
}

export interface DatabaseHealthProbeOptions {
  timeoutMs?: number;
  /** How long a `writable()` answer is reused, so many failing partitions ask the database once. Default 1000 ms. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Health of our Postgres, as two questions:
 * - `reachable()`: answers `SELECT 1` in time (readiness);
 * - `writable()`: accepts a write — a temporary table created and filled in a transaction that is rolled back — in
 *   time. Read-only (failover, `default_transaction_read_only`), recovery, out of disk for the catalog, overload past
 *   the timeout all fail it. The consumer runner asks it on a transient database error (`dependencyHealthy`).
 */
export class DatabaseHealthProbe {
  private cached?: { at: number; value: Promise<boolean> };

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: DatabaseHealthProbeOptions = {},
  ) {}

  async reachable(): Promise<DependencyCheck> {
    const started = Date.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), this.timeoutMs);
      return { up: true, latencyMs: Date.now() - started };
    } catch (err) {
      return { up: false, detail: (err as Error).message, latencyMs: Date.now() - started };
    }
  }

  /** True when a write goes through now (cached for `cacheMs`). */
  healthy(): Promise<boolean> {
    const now = this.options.now?.() ?? Date.now();
    if (!this.cached || now - this.cached.at >= (this.options.cacheMs ?? 1000)) {
      this.cached = { at: now, value: this.writable().then((c) => c.up) };
    }
    return this.cached.value;
  }

  async writable(): Promise<DependencyCheck> {
    const started = Date.now();
    const runner = this.dataSource.createQueryRunner();
    const connecting = runner.connect();
    try {
      await withTimeout(connecting, this.timeoutMs);
      await runner.startTransaction();
      await runner.query(`SET LOCAL statement_timeout = ${Math.round(this.timeoutMs)}`);
      await runner.query('CREATE TEMPORARY TABLE crm_health_probe (x int) ON COMMIT DROP');
      await runner.query('INSERT INTO crm_health_probe VALUES (1)');
      return { up: true, latencyMs: Date.now() - started };
    } catch (err) {
      const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
      return { up: false, detail: `${code ? `${code}: ` : ''}${(err as Error).message}`, latencyMs: Date.now() - started };
    } finally {
      // Also when the connection came after the timeout: it goes back to the pool, never leaks.
      const cleanup = connecting
        .then(async () => {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
        })
        .catch(() => undefined)
        .then(() => runner.release())
        .catch(() => undefined);
      await withTimeout(cleanup, this.timeoutMs).catch(() => undefined);
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 2000;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
