import 'reflect-metadata';
import { DataSource, MigrationExecutor, type LoggerOptions } from 'typeorm';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './migrations';

/** Name of TypeORM's bookkeeping table of applied migrations. */
export const MIGRATIONS_TABLE = 'migrations';

export interface CreateDataSourceOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** TypeORM logging (default false). */
  logging?: LoggerOptions;
  /** Maximum number of pooled connections (pg default: 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** A PostgreSQL DataSource over every entity and migration. Not initialized; never syncs or migrates by itself. */
export function createDataSource(options: CreateDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    poolSize: options.poolSize,
    logging: options.logging ?? false,
    entities: [...ALL_ENTITIES],
    migrations: [...ALL_MIGRATIONS],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is core since PG13: never try to CREATE EXTENSION (uuid-ossp) on connect.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  });
}

/** Session-level advisory lock key that serializes migration runs of concurrent processes on one database. */
export const MIGRATION_LOCK_KEY = 'crm-channels:migrations';

async function withDataSource<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = createDataSource({ url, applicationName: 'crm-migrate', poolSize: 2 });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Like withDataSource, holding the migration advisory lock (on its own connection) while fn runs. */
async function withMigrationLock<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  return withDataSource(url, async (ds) => {
    const lock = ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
      try {
        return await fn(ds);
      } finally {
        await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await lock.release();
    }
  });
}

/** Applies every pending migration (in one transaction; concurrent callers wait for each other); returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  return withMigrationLock(url, async (ds) => {
    const applied = await ds.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  });
}

/** Reverts the last `count` applied migrations (default 1), newest first; returns the names reverted. */
export async function revertMigrations(url: string, count = 1): Promise<string[]> {
  return withMigrationLock(url, async (ds) => revertOn(ds, count));
}

/** Reverts every applied migration, newest first; returns the names reverted. */
export async function revertAllMigrations(url: string): Promise<string[]> {
  return withMigrationLock(url, async (ds) => revertOn(ds, Number.POSITIVE_INFINITY));
}

async function revertOn(ds: DataSource, count: number): Promise<string[]> {
  const reverted: string[] = [];
  while (reverted.length < count) {
    const executed = await new MigrationExecutor(ds).getExecutedMigrations();
    if (executed.length === 0) break;
    // getExecutedMigrations() is newest first; undoLastMigration reverts exactly that one.
    await ds.undoLastMigration({ transaction: 'each' });
    reverted.push(executed[0].name);
  }
  return reverted;
}

export interface MigrationStatus {
  name: string;
  timestamp: number;
  applied: boolean;
}

/** Every known migration (oldest first) and whether it is applied; also lists applied migrations unknown to this code. */
export async function migrationStatus(url: string): Promise<MigrationStatus[]> {
  return withDataSource(url, async (ds) => {
    const executor = new MigrationExecutor(ds);
    const executed = await executor.getExecutedMigrations();
    const executedNames = new Set(executed.map((m) => m.name));
    const known = ds.migrations.map((m) => {
      const name = m.name ?? m.constructor.name;
      return { name, timestamp: Number(/(\d{13})$/.exec(name)?.[1] ?? 0), applied: executedNames.has(name) };
    });
    const knownNames = new Set(known.map((m) => m.name));
    const unknown = executed
      .filter((m) => !knownNames.has(m.name))
      .map((m) => ({ name: m.name, timestamp: m.timestamp, applied: true }));
    return [...known, ...unknown].sort((a, b) => a.timestamp - b.timestamp);
  });
}
