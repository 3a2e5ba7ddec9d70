// Database migrations from the command line:
//   DATABASE_URL=postgres://… node dist/libs/persistence/src/cli/migrate.js up|down [--all]|status
// `up` creates the database first if it does not exist. Exit code 0 on success, 1 on failure, 2 on bad usage/config.
import 'reflect-metadata';
import { Client } from 'pg';
import { migrationStatus, revertAllMigrations, revertMigrations, runMigrations } from '../data-source';

export interface MigrateCliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: migrate up | down [--all] | status   (DATABASE_URL=postgres://user:pass@host:port/db)';

const consoleIo: MigrateCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export class DatabaseUrlError extends Error {}

/** Validates a postgres connection URL and returns it parsed; the message names DATABASE_URL. */
export function parseDatabaseUrl(raw: string | undefined, variable = 'DATABASE_URL'): URL {
  if (raw === undefined || raw.trim() === '') {
    throw new DatabaseUrlError(`${variable} is not set (expected postgres://user:password@host:port/database)`);
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DatabaseUrlError(`${variable} is not a valid URL (expected postgres://user:password@host:port/database)`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseUrlError(`${variable} must use the postgres:// or postgresql:// scheme, got "${url.protocol}"`);
  }
  if (!url.hostname) throw new DatabaseUrlError(`${variable} has no host`);
  if (databaseName(url) === '') throw new DatabaseUrlError(`${variable} has no database name in its path`);
  return url;
}

function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The URL of the `postgres` maintenance database of the same server (same credentials and query options). */
export function maintenanceUrl(url: URL | string): string {
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  return admin.toString();
}

/** Creates the URL's database if it does not exist yet; returns true if it was created. */
export async function ensureDatabase(url: URL | string): Promise<boolean> {
  const target = new URL(url.toString());
  const name = databaseName(target);
  const client = new Client({ connectionString: maintenanceUrl(target), application_name: 'crm-migrate' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      // Someone else created it between the check and now.
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
  } finally {
    await client.end();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    // pg's AggregateError (ECONNREFUSED on every address) has an empty message.
    const nested = (err as Error & { errors?: unknown[] }).errors;
    const msg = err.message || (nested?.length ? describe(nested[0]) : err.name);
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function runMigrateCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: MigrateCliIo = consoleIo,
): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest);
  const known = command === 'up' || command === 'status' ? [] : command === 'down' ? ['--all'] : undefined;
  if (known === undefined || [...flags].some((f) => !known.includes(f))) {
    io.err(command ? `unknown command or option: ${argv.join(' ')}` : 'no command given');
    io.err(USAGE);
    return 2;
  }

  let url: URL;
  try {
    url = parseDatabaseUrl(env.DATABASE_URL);
  } catch (err) {
    io.err(`migrate: ${(err as Error).message}`);
    return 2;
  }
  const urlString = url.toString();
  const safeTarget = `${url.hostname}:${url.port || '5432'}/${databaseName(url)}`;

  try {
    switch (command) {
      case 'up': {
        if (await ensureDatabase(url)) io.out(`created database ${databaseName(url)} on ${url.hostname}:${url.port || '5432'}`);
        const applied = await runMigrations(urlString);
        if (applied.length === 0) io.out(`${safeTarget}: no pending migrations`);
        for (const name of applied) io.out(`applied ${name}`);
        return 0;
      }
      case 'down': {
        const reverted = flags.has('--all') ? await revertAllMigrations(urlString) : await revertMigrations(urlString, 1);
        if (reverted.length === 0) io.out(`${safeTarget}: no applied migrations to revert`);
        for (const name of reverted) io.out(`reverted ${name}`);
        return 0;
      }
      case 'status': {
        const status = await migrationStatus(urlString);
        io.out(`${safeTarget}:`);
        for (const m of status) io.out(`${m.applied ? '[X]' : '[ ]'} ${m.name}`);
        const pending = status.filter((m) => !m.applied).length;
        io.out(`${status.length - pending} applied, ${pending} pending`);
        return 0;
      }
    }
  } catch (err) {
    io.err(`migrate ${command} failed on ${safeTarget}: ${describe(err)}`);
    return 1;
  }
  return 2;
}

if (require.main === module) {
  runMigrateCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`migrate: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
