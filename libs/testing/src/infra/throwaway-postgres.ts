import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './net';

export interface ThrowawayPostgres {
  port: number;
  dataDir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth). */
  url(database?: string): string;
  /** Runs one statement as the superuser on a fresh connection (ALTER SYSTEM, CREATE DATABASE…). */
  exec(sql: string, database?: string): Promise<void>;
  /**
   * Makes every new transaction read-only (`default_transaction_read_only` + reload), as a primary does while it is
   * demoted during a failover: writes fail with 25006, reads still work. `readOnly(false)` undoes it.
   */
  readOnly(on: boolean): Promise<void>;
  /** Stops the server (immediate: connections drop, as in a crash) and keeps its data; `resume()` starts it again. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port with the same data. */
  resume(): Promise<void>;
  /** Immediate stop and removal of the data directory. Idempotent. */
  stop(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /** Directory holding initdb/pg_ctl; default: CRM_PG_BIN_DIR, then /usr/lib/postgresql/<newest>/bin, then `pg_config --bindir`. */
  binDir?: string;
  port?: number;
  /** max_connections (default 40). */
  maxConnections?: number;
  /**
   * Keep PostgreSQL's durability (fsync, synchronous_commit, full_page_writes on) — for crash tests: without it an
   * immediate stop loses the last commits that already answered, which a production server never does.
   */
  durable?: boolean;
  log?: (line: string) => void;
}

/**
 * A private PostgreSQL cluster for tests that must break the database (read-only, stopped…) without touching the
 * machine's shared server, which parallel suites use: initdb into a temp directory, pg_ctl on a spare port with its
 * socket in that directory, trust auth, fsync off. Run as the `postgres` OS user when we are root (initdb refuses root).
 */
export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const bin = options.binDir ?? postgresBinDir();
  const log = options.log ?? (() => undefined);
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-pg-'));
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(join(bin, tool), args, { cwd: dataDir, uid: owner?.uid, gid: owner?.gid, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const port = options.port ?? (await freePort());
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { cwd: dataDir, uid: owner?.uid, gid: owner?.gid, stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  };
  const speed = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const settings = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1${speed} -c max_connections=${options.maxConnections ?? 40}`;
  const startServer = () => run('pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', settings, '-w', '-t', '30', 'start']);
  // A test process that dies without calling stop() still takes its cluster down with it.
  process.once('exit', stopNow);
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    startServer();
  } catch (err) {
    stopNow();
    throw err;
  }
  log(`throwaway PostgreSQL on 127.0.0.1:${port} (${dataDir})`);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const exec = async (sql: string, database?: string) => {
    const client = new Client({ connectionString: url(database) });
    await client.connect();
    try {
      // This session must be able to undo read-only mode.
      await client.query('SET default_transaction_read_only = off');
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    dataDir,
    url,
    exec,
    async readOnly(on: boolean) {
      await exec(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
      await exec('SELECT pg_reload_conf()');
    },
    async halt() {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    async resume() {
      startServer();
    },
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}

function postgresBinDir(): string {
  if (process.env.CRM_PG_BIN_DIR) return process.env.CRM_PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('initdb not found: set CRM_PG_BIN_DIR to the PostgreSQL bin directory');
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, and there is no `postgres` OS user to run initdb/pg_ctl as');
  }
}
