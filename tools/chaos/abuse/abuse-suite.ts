// The whole abuse suite in one call: its own system (abuse-system.ts), every public endpoint abused, the report. `npm
// run chaos:abuse` runs it alone (abuse.ts); `npm run chaos` can run it after the faults (10,000 per endpoint).
import { formatAbuseTable } from './abuse-report';
import { type AbuseOptions, type AbuseReport, runAbuse } from './abuse-run';
import { type AbuseSystemOptions, startAbuseSystem } from './abuse-system';

export interface AbuseSuiteResult {
  report: AbuseReport;
  table: string;
  workDir: string;
}

export async function runAbuseSuite(options: AbuseSystemOptions & AbuseOptions): Promise<AbuseSuiteResult> {
  const system = await startAbuseSystem(options);
  try {
    const report = await runAbuse(system.ctx, options);
    return { report, table: formatAbuseTable(report), workDir: system.workDir };
  } finally {
    await system.close();
  }
}

/**
 * `npm run chaos:abuse` and the second half of `npm run chaos`: the suite from `dist/` with the env knobs
 * (ABUSE_PER_ENDPOINT 10000, ABUSE_CONCURRENCY 8, ABUSE_SEED 17), its table printed; true when clean.
 */
export async function runAbuseSuiteFromEnv(say: (line: string) => void, label: string): Promise<boolean> {
  const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const started = Date.now();
  const { report, table, workDir } = await runAbuseSuite({
    runner: 'dist',
    perEndpoint: num('ABUSE_PER_ENDPOINT', 10_000),
    concurrency: num('ABUSE_CONCURRENCY', 8),
    seed: num('ABUSE_SEED', 17),
    log: say,
  });
  say('');
  say(table);
  say('');
  say(`${label}${report.ok ? 'CLEAN' : 'VIOLATIONS FOUND'} in ${Math.round((Date.now() - started) / 1000)} s; service logs in ${workDir}`);
  return report.ok;
}
