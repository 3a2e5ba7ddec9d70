// `npm run chaos:abuse` — malformed requests against every public endpoint (every webhook type, the widget's visitor
// API, every operation of the api's OpenAPI document) of the whole system built from dist/: no 5xx, no crash, nothing
// stored, memory back after a GC. Prints the tables; exits 1 on any violation.
// Knobs (env): ABUSE_PER_ENDPOINT (10000), ABUSE_CONCURRENCY (8), ABUSE_SEED (17).
import 'reflect-metadata';
import { runAbuseSuiteFromEnv } from './abuse-suite';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  process.exit((await runAbuseSuiteFromEnv(say, '')) ? 0 : 1);
}

main().catch((err: unknown) => {
  say(`abuse failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
