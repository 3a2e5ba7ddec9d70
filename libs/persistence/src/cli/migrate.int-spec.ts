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

  it('parses URLs and derives the maintenance database URL', () => {
    expect(parseDatabaseUrl('postgresql://a:b@h:6543/crm?sslmode=disable').pathname).toBe('/crm');
    expect(maintenanceUrl('postgres://a:b@h:6543/crm?application_name=x')).toBe('postgres://a:b@h:6543/postgres?application_name=x');
  });
});
