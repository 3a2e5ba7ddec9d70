// `npm run chaos` — the whole system under faults (see docs/chaos.md): every service killed with SIGKILL in turn and
// restarted alone, Kafka and PostgreSQL stopped and read-only, Kafka's answers lost and late, the CRM down, one webhook
// delivered 1,000 times at once — while every chat of every webhook channel keeps sending through the public origin
// and re-delivers until it gets a 2xx, as the platforms do. Prints a table; exits 1 when any row is not clean.
//
// Knobs (env): CHAOS_OUTAGE_MS (30000, the length of infrastructure outages), CHAOS_CHATS (chats per channel, 4),
// CHAOS_INTERVAL_MS (pause between a chat's messages, 250), CHAOS_ONLY (a regular expression on fault names),
// CHAOS_DUPLICATES (concurrent deliveries of one call per type, 1000); then the malformed-input suite (ABUSE_PER_ENDPOINT,
// 10000 — 0 skips it; ABUSE_CONCURRENCY, ABUSE_SEED).
import 'reflect-metadata';
import { runAbuseSuiteFromEnv } from './abuse/abuse-suite';
import { allFaults } from './chaos-faults';
import { formatChaosTable, formatSecretScan } from './chaos-report';
import { runChaos } from './chaos-run';

const say = (line: string) => process.stdout.write(`${line}\n`);
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

async function main(): Promise<void> {
  const only = process.env.CHAOS_ONLY ? new RegExp(process.env.CHAOS_ONLY, 'i') : undefined;
  const faults = allFaults(num('CHAOS_OUTAGE_MS', 30_000)).filter((f) => !only || only.test(f.name));
  const started = Date.now();
  const report = await runChaos({
    runner: 'dist',
    faults,
    chatsPerChannel: num('CHAOS_CHATS', 4),
    intervalMs: num('CHAOS_INTERVAL_MS', 250),
    warmupMs: 3_000,
    settleMs: 3_000,
    duplicateDeliveries: num('CHAOS_DUPLICATES', 1_000),
    log: say,
  });
  say('');
  say(formatChaosTable(report.rows));
  say('');
  say(formatSecretScan(report.secretScan));
  say(`Message texts in service logs: ${report.textScan.findings.length} of the sampled texts found (${report.textScan.findings.length === 0 ? 'ok' : 'VIOLATION'}).`);
  say('');
  say(`faults: ${report.ok ? 'CLEAN' : 'VIOLATIONS FOUND'} in ${Math.round((Date.now() - started) / 1000)} s; service logs in ${report.workDir}`);
  const abuse = num('ABUSE_PER_ENDPOINT', 10_000) > 0 ? await runBadInput() : { ok: true };
  process.exit(report.ok && abuse.ok ? 0 : 1);
}

/** The malformed-input half (tools/chaos/abuse, docs/chaos-abuse.md) on a stack of its own. */
async function runBadInput(): Promise<{ ok: boolean }> {
  say('');
  say('▶ malformed requests against every public endpoint');
  return { ok: await runAbuseSuiteFromEnv(say, 'bad input: ') };
}

// Ctrl-C / SIGTERM: exit through 'exit', whose hooks stop the services, the broker and the database of the run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err: unknown) => {
  say(`chaos failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
