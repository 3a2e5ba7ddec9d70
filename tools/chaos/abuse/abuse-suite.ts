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
