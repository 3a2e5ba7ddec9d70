import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { quoteIdent } from '../cli/migrate';
import { runMigrations } from '../data-source';

export interface CreateTestDatabaseOptions {
  /** URL of any database on the server, used to CREATE / DROP DATABASE. */
  adminUrl?: string;
  /** Apply every migration (default true). */
  migrate?: boolean;
  /** Clone this database (CREATE DATABASE … TEMPLATE …) instead of starting empty, e.g. an already migrated one. */
  template?: string;
}

export interface TestDatabase {
  /** Connection URL of the new database (same server and credentials as the admin URL). */
  url: string;
  /** crm_t_<random> */
  name: string;
  /** Drops the database, terminating its remaining connections. Idempotent. */
  drop(): Promise<void>;
}

export function defaultAdminUrl(): string {
  return process.env.CRM_TEST_PG_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'crm-test-db' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named, throw-away database (migrated unless `migrate: false`). */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? defaultAdminUrl();
  // Under `npm test` the global setup provides a run id (so its teardown can drop whatever a test left behind) and an
  // already-migrated template database, which is much faster to clone than to migrate.
  const runId = process.env.CRM_TEST_RUN_ID;
  const name = `crm_t_${runId ? `${runId}_` : ''}${randomBytes(8).toString('hex')}`;
  const migrate = options.migrate ?? true;
  const templateName = options.template ?? (migrate ? process.env.CRM_TEST_PG_TEMPLATE : undefined);
  const template = templateName ? ` TEMPLATE ${quoteIdent(templateName)}` : '';
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}${template}`));

  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const url = target.toString();

  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    dropped = true;
  };

  if (migrate && !templateName) {
    try {
      await runMigrations(url);
    } catch (err) {
      await drop().catch(() => undefined);
      throw err;
    }
  }
  return { url, name, drop };
}
