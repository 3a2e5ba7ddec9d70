// npm run secrets:rotate [-- --batch-size=<n>] [--republish-all]
// Re-encrypts every encrypted value in the database with the write key of SECRETS_KEYS / SECRETS_KEY (DATABASE_URL),
// then leaves the channels.config.v1 records of the rotated channels in the outbox for the api's relay. Idempotent and
// resumable; prints counts, never a value. Exit code 0 when everything is under the write key, 1 when some value
// could not be decrypted (listed) or the run failed, 2 on bad usage/config. The procedure: docs/secrets.md.
import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from '@crm/config';
import { createDataSource } from '@crm/persistence';
import { secretKeyringFromEnv } from '@crm/secrets';
import { RotateSecretsConfig } from './rotate-secrets.config';
import { rotateSecrets, type RotationOptions, type RotationReport } from './secrets-rotation';

const USAGE = 'usage: secrets:rotate [--batch-size=<rows per transaction, default 200>] [--republish-all]   (DATABASE_URL, SECRETS_KEYS or SECRETS_KEY, SECRETS_WRITE_KEY_ID…)';

export interface RotateCliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The options of the command line, or a usage error message. */
export function parseRotateArgs(args: readonly string[]): RotationOptions | string {
  const options: RotationOptions = {};
  for (const arg of args) {
    const batch = /^--batch-size=(\d+)$/.exec(arg);
    if (batch && Number(batch[1]) >= 1) options.batchSize = Number(batch[1]);
    else if (arg === '--republish-all') options.republishAll = true;
    else return `unknown argument "${arg}"\n${USAGE}`;
  }
  return options;
}

/** The report as lines for a terminal (counts and row ids only). */
export function reportLines(report: RotationReport): string[] {
  const lines = [`secrets:rotate: write key "${report.writeKeyId}", ${report.accounts} account(s)`];
  for (const [table, c] of Object.entries(report.tables)) {
    lines.push(`  ${table}: ${c.scanned} row(s) scanned, ${c.rotated} re-encrypted, ${c.current} already under "${report.writeKeyId}", ${c.failed} failed`);
  }
  lines.push(`  channels.config.v1: ${report.channelConfigsEnqueued} record(s) enqueued in the outbox (published by the api's outbox relay)`);
  for (const f of report.failures) lines.push(`  FAILED ${f.table} ${f.id} (account ${f.accountId}) ${f.column}: ${f.reason}`);
  return lines;
}

export async function runRotateCli(args: readonly string[], env: NodeJS.ProcessEnv, io: RotateCliIo): Promise<number> {
  const options = parseRotateArgs(args);
  if (typeof options === 'string') {
    io.err(options);
    return 2;
  }
  let config: RotateSecretsConfig;
  try {
    config = loadConfig(RotateSecretsConfig, env, 'secrets:rotate');
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    io.err(err.message);
    return 2;
  }
  const ring = secretKeyringFromEnv(config);
  const dataSource = createDataSource({ url: config.DATABASE_URL, applicationName: 'secrets-rotate' });
  await dataSource.initialize();
  try {
    const report = await rotateSecrets(dataSource, ring, options);
    for (const line of reportLines(report)) io.out(line);
    return report.failures.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runRotateCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`secrets:rotate failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
