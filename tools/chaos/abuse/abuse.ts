// `npm run chaos:abuse` — malformed requests against every public endpoint (every webhook type, the widget's visitor
// API, every operation of the api's OpenAPI document) of the whole system built from dist/: no 5xx, no crash, nothing
// stored, memory back after a GC. Prints the tables; exits 1 on any violation.
// Knobs (env): ABUSE_PER_ENDPOINT (10000), ABUSE_CONCURRENCY (8), ABUSE_SEED (17).
import 'reflect-metadata';
import { runAbuseSuite } from './abuse-suite';

const say = (line: string) => process.stdout.write(`${line}\n`);
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

async function main(): Promise<void> {
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
  say(`${report.ok ? 'CLEAN' : 'VIOLATIONS FOUND'} in ${Math.round((Date.now() - started) / 1000)} s; service logs in ${workDir}`);
  process.exit(report.ok ? 0 : 1);
}

main().catch((err: unknown) => {
  say(`abuse failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
