import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ALL_MIGRATIONS } from '../migrations';
import { publicTables } from '../testing/pg-introspection';
import { defaultAdminUrl } from '../testing/test-database';
import { maintenanceUrl, parseDatabaseUrl, runMigrateCli, type MigrateCliIo } from './migrate';

function captureIo(): MigrateCliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function databaseExists(name: string): Promise<boolean> {
  const c = new Client({ connectionString: defaultAdminUrl() });
  await c.connect();
  try {
    return ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: defaultAdminUrl() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

const migrationNames = ALL_MIGRATIONS.map((m) => m.name);

describe('migrate CLI (real PostgreSQL)', () => {
  const name = `crm_t_${randomBytes(8).toString('hex')}`;
  const target = new URL(defaultAdminUrl());
  target.pathname = `/${name}`;
  const env = { DATABASE_URL: target.toString() };

  afterAll(async () => {
    await dropDatabase(name);
  });

  it('up creates a missing database and migrates it; status, down, down --all and up again work', async () => {
    expect(await databaseExists(name)).toBe(false);

    let io = captureIo();
    expect(await runMigrateCli(['up'], env, io)).toBe(0);
    expect(io.stdout[0]).toBe(`created database ${name} on ${target.hostname}:${target.port || '5432'}`);
    expect(io.stdout.slice(1)).toEqual(migrationNames.map((n) => `applied ${n}`));
    expect(await databaseExists(name)).toBe(true);
    expect(await publicTables(env.DATABASE_URL)).toContain('channels');

    io = captureIo();
    expect(await runMigrateCli(['up'], env, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/no pending migrations/);

    io = captureIo();
    expect(await runMigrateCli(['status'], env, io)).toBe(0);
    expect(io.stdout).toEqual(expect.arrayContaining(migrationNames.map((n) => `[X] ${n}`)));
    expect(io.stdout.at(-1)).toBe(`${migrationNames.length} applied, 0 pending`);

    io = captureIo();
    expect(await runMigrateCli(['down'], env, io)).toBe(0);
    expect(io.stdout).toEqual([`reverted ${migrationNames.at(-1)}`]);

    io = captureIo();
    expect(await runMigrateCli(['status'], env, io)).toBe(0);
    expect(io.stdout).toContain(`[ ] ${migrationNames.at(-1)}`);

    expect(await runMigrateCli(['up'], env, captureIo())).toBe(0);
    io = captureIo();
    expect(await runMigrateCli(['down', '--all'], env, io)).toBe(0);
    expect(io.stdout).toEqual([...migrationNames].reverse().map((n) => `reverted ${n}`));
    expect(await publicTables(env.DATABASE_URL)).toEqual(['migrations']);

    io = captureIo();
    expect(await runMigrateCli(['down'], env, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/no applied migrations to revert/);
  });

  it.each([
    ['missing', {}],
    ['empty', { DATABASE_URL: '' }],
    ['not a URL', { DATABASE_URL: 'not a url' }],
    ['wrong scheme', { DATABASE_URL: 'mysql://root@localhost/db' }],
    ['without a database name', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432' }],
  ])('refuses a %s DATABASE_URL with a non-zero exit naming it', async (_label, badEnv) => {
    for (const command of [['up'], ['down'], ['status']]) {
      const io = captureIo();
      expect(await runMigrateCli(command, badEnv, io)).not.toBe(0);
      expect(io.stderr.join('\n')).toMatch(/DATABASE_URL/);
    }
  });

  it('exits non-zero on unknown commands and options', async () => {
    for (const argv of [[], ['sideways'], ['up', '--all'], ['down', '--force']]) {
      const io = captureIo();
      expect(await runMigrateCli(argv, env, io)).not.toBe(0);
      expect(io.stderr.join('\n')).toMatch(/usage: migrate/);
    }
  });

  it('exits non-zero, without leaking the password, when the server is unreachable', async () => {
    const io = captureIo();
    const code = await runMigrateCli(['up'], { DATABASE_URL: 'postgres://u:s3cret@127.0.0.1:1/nowhere' }, io);
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/migrate up failed on 127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
    expect(io.stderr.join('\n')).not.toMatch(/s3cret/);
  });

  it('status on a database that does not exist fails instead of creating it', async () => {
    const missing = new URL(defaultAdminUrl());
    missing.pathname = `/crm_t_${randomBytes(8).toString('hex')}`;
    const io = captureIo();
    expect(await runMigrateCli(['status'], { DATABASE_URL: missing.toString() }, io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/does not exist/);
    expect(await databaseExists(missing.pathname.slice(1))).toBe(false);
  });

  describe('wait (the init container of every app)', () => {
    const waitName = `crm_t_${randomBytes(8).toString('hex')}`;
    const waitUrl = new URL(defaultAdminUrl());
    waitUrl.pathname = `/${waitName}`;
    const waitEnv = { DATABASE_URL: waitUrl.toString() };

    afterAll(async () => {
      await dropDatabase(waitName);
    });

    it('times out non-zero while the database does not exist, naming what it waits for', async () => {
      const io = captureIo();
      const started = Date.now();
      expect(await runMigrateCli(['wait', '--timeout=1', '--interval=0.2'], waitEnv, io)).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(io.stdout.join('\n')).toMatch(/database not reachable: .*does not exist/);
      expect(io.stderr.join('\n')).toMatch(new RegExp(`migrate wait timed out after 1s on .*/${waitName}`));
      expect(await databaseExists(waitName)).toBe(false);
    });

    it('keeps waiting while a migration is missing and exits 0 once `up` has applied every one', async () => {
      expect(await runMigrateCli(['up'], waitEnv, captureIo())).toBe(0);
      expect(await runMigrateCli(['down'], waitEnv, captureIo())).toBe(0);

      let io = captureIo();
      expect(await runMigrateCli(['wait', '--timeout=0.5', '--interval=0.1'], waitEnv, io)).toBe(1);
      expect(io.stdout.join('\n')).toContain(`1 pending migration(s): ${migrationNames.at(-1)}`);

      io = captureIo();
      const waiting = runMigrateCli(['wait', '--timeout=30', '--interval=0.1'], waitEnv, io);
      let settled = false;
      void waiting.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(settled).toBe(false);
      expect(await runMigrateCli(['up'], waitEnv, captureIo())).toBe(0);
      expect(await waiting).toBe(0);
      expect(io.stdout.at(-1)).toMatch(new RegExp(`schema is at ${migrationNames.at(-1)}$`));
    });

    it('does not wait when the schema is already there (or newer than this code)', async () => {
      const client = new Client({ connectionString: waitEnv.DATABASE_URL });
      await client.connect();
      try {
        await client.query(`INSERT INTO migrations (timestamp, name) VALUES (9999999999999, 'FromANewerRelease9999999999999')`);
      } finally {
        await client.end();
      }
      const io = captureIo();
      const started = Date.now();
      expect(await runMigrateCli(['wait', '--timeout=5'], waitEnv, io)).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(io.stderr).toEqual([]);
    });

    it('refuses unknown wait options', async () => {
      for (const argv of [['wait', '--timeout'], ['wait', '--timeout=soon'], ['wait', '--all'], ['status', '--timeout=3']]) {
        const io = captureIo();
        expect(await runMigrateCli(argv, waitEnv, io)).toBe(2);
        expect(io.stderr.join('\n')).toMatch(/usage: migrate/);
      }
    });
  });

  it('parses URLs and derives the maintenance database URL', () => {
    expect(parseDatabaseUrl('postgresql://a:b@h:6543/crm?sslmode=disable').pathname).toBe('/crm');
    expect(maintenanceUrl('postgres://a:b@h:6543/crm?application_name=x')).toBe('postgres://a:b@h:6543/postgres?application_name=x');
  });
});
