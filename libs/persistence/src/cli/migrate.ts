// Database migrations from the command line:
//   DATABASE_URL=postgres://… node dist/libs/persistence/src/cli/migrate.js up|down [--all]|status|wait [--timeout=<s>] [--interval=<s>]
// `up` creates the database first if it does not exist. `wait` changes nothing: it polls until every migration this
// code knows (ALL_MIGRATIONS) is applied — the init container of every app in Kubernetes, where nothing orders the
// migration Job before the Deployments. Exit code 0 on success, 1 on failure (or `wait` timing out), 2 on bad usage/config.
import 'reflect-metadata';
import { Client } from 'pg';
import { MIGRATIONS_TABLE, migrationStatus, revertAllMigrations, revertMigrations, runMigrations } from '../data-source';
import { ALL_MIGRATIONS } from '../migrations';

export interface MigrateCliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: migrate up | down [--all] | status | wait [--timeout=<seconds>] [--interval=<seconds>]   (DATABASE_URL=postgres://user:pass@host:port/db)';

/** `wait` defaults: give up after 10 minutes, look every 2 seconds. */
const WAIT_DEFAULTS = { timeoutMs: 600_000, intervalMs: 2000 };

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

/** The names of the migrations this code knows (oldest first) that `url`'s database has not applied. Throws when it can't tell. */
export async function pendingMigrations(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url, application_name: 'crm-migrate-wait' });
  await client.connect();
  try {
    let applied: Set<string>;
    try {
      const rows = await client.query<{ name: string }>(`SELECT name FROM ${quoteIdent(MIGRATIONS_TABLE)}`);
      applied = new Set(rows.rows.map((r) => r.name));
    } catch (err) {
      // No bookkeeping table yet: nothing is applied.
      if ((err as { code?: string }).code !== '42P01') throw err;
      applied = new Set();
    }
    return ALL_MIGRATIONS.map((m) => m.name).filter((name) => !applied.has(name));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
}

/**
 * Polls until the database has every migration of ALL_MIGRATIONS applied (applied migrations this code does not know —
 * a newer schema — are fine). An unreachable server or a missing database counts as "not yet". Resolves to true when
 * the schema is there, false at the timeout.
 */
export async function waitForMigrations(url: string, options: WaitOptions, io: MigrateCliIo, target: string): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = '';
  for (;;) {
    let report: string;
    try {
      const pending = await pendingMigrations(url);
      if (pending.length === 0) return true;
      report = `${pending.length} pending migration(s): ${pending.join(', ')}`;
    } catch (err) {
      report = `database not reachable: ${describe(err)}`;
    }
    if (report !== lastReport) io.out(`${target}: waiting, ${report}`);
    lastReport = report;
    if (Date.now() + options.intervalMs > deadline) {
      io.err(`migrate wait timed out after ${Math.round(options.timeoutMs / 1000)}s on ${target}: ${report}`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

type Command = 'up' | 'down' | 'status' | 'wait';

interface ParsedArgs {
  command: Command;
  all: boolean;
  wait: WaitOptions;
}

/** The command and its options, or the usage problem. */
function parseArgs(argv: readonly string[]): ParsedArgs | string {
  const [command, ...rest] = argv;
  if (command !== 'up' && command !== 'down' && command !== 'status' && command !== 'wait') {
    return command ? `unknown command or option: ${argv.join(' ')}` : 'no command given';
  }
  const parsed: ParsedArgs = { command, all: false, wait: { ...WAIT_DEFAULTS } };
  for (const flag of rest) {
    const seconds = /^--(timeout|interval)=(\d+(?:\.\d+)?)$/.exec(flag);
    if (command === 'down' && flag === '--all') parsed.all = true;
    else if (command === 'wait' && seconds) parsed.wait[seconds[1] === 'timeout' ? 'timeoutMs' : 'intervalMs'] = Number(seconds[2]) * 1000;
    else return `unknown command or option: ${argv.join(' ')}`;
  }
  return parsed;
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function runMigrateCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: MigrateCliIo = consoleIo,
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(args);
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
  const safeTarget = `${url.hostname}:${url.port || '5432'}/${databaseName(url)}`;
  try {
    return await runCommand(args, url, safeTarget, io);
  } catch (err) {
    io.err(`migrate ${args.command} failed on ${safeTarget}: ${describe(err)}`);
    return 1;
  }
}

async function runCommand(args: ParsedArgs, url: URL, safeTarget: string, io: MigrateCliIo): Promise<number> {
  const urlString = url.toString();
  switch (args.command) {
    case 'up': {
      if (await ensureDatabase(url)) io.out(`created database ${databaseName(url)} on ${url.hostname}:${url.port || '5432'}`);
      const applied = await runMigrations(urlString);
      if (applied.length === 0) io.out(`${safeTarget}: no pending migrations`);
      for (const name of applied) io.out(`applied ${name}`);
      return 0;
    }
    case 'down': {
      const reverted = args.all ? await revertAllMigrations(urlString) : await revertMigrations(urlString, 1);
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
    case 'wait': {
      if (!(await waitForMigrations(urlString, args.wait, io, safeTarget))) return 1;
      io.out(`${safeTarget}: schema is at ${ALL_MIGRATIONS.at(-1)?.name ?? 'no migrations'}`);
      return 0;
    }
  }
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
