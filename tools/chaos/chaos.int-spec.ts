import { killService } from './chaos-faults';
import { formatChaosTable, formatSecretScan } from './chaos-report';
import { runChaos } from './chaos-run';

/**
 * The short version of `npm run chaos` inside `npm test`: the whole system from the TypeScript sources, every channel
 * type (the webhook types and the widget) under load through the public origin, lead-routing and a connector killed with SIGKILL and restarted,
 * and one webhook delivered 100 times at once per type. Every acknowledged message must be stored once, in order, on
 * one client and one lead per conversation, and forwarded to the CRM once; every reply the api accepted meanwhile must
 * reach its customer once, in order (chaos-replies.ts); and no credential the run created may be
 * found in plaintext in any service log, response body (but a channel's `connection`) or Kafka record (secret-scan.ts).
 */
describe('chaos (short): kill -9 while webhooks keep coming', () => {
  it('loses, doubles, reorders and misroutes nothing', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      runner: 'ts',
      faults: [killService('lead-routing', 1), killService('connector-whatsapp', 1)],
      chatsPerChannel: 2,
      intervalMs: 50,
      warmupMs: 2_000,
      settleMs: 1_000,
      duplicateDeliveries: 100,
      log: (line) => lines.push(line),
    });
    const table = formatChaosTable(report.rows);
    const scan = formatSecretScan(report.secretScan);
    // On a failure the diff shows the table, the scan and what each violation was.
    const notes = report.rows.flatMap((r) => [...r.examples, ...r.replyExamples]);
    expect({ ok: report.ok, table, scan, notes }).toEqual({ ok: true, table, scan, notes });
    expect(report.rows.map((r) => r.fault)).toEqual(['kill -9 lead-routing ×1', 'kill -9 connector-whatsapp ×1', '100 duplicate deliveries × 5 types']);
    for (const row of report.rows) {
      expect(row.acked).toBeGreaterThan(0);
      expect(row.stored).toBe(row.acked);
    }
    // Agents answered in every chat of the kill scenarios, and each accepted reply reached its customer once.
    for (const row of report.rows.slice(0, 2)) {
      expect(row.repliesAcked).toBeGreaterThan(0);
      expect(row.repliesDelivered + row.repliesInDoubt).toBe(row.repliesAcked);
    }
    // No plaintext credential in any service log, response body (but `connection`) or Kafka record of the run.
    expect({ findings: report.secretScan.findings.length, scan }).toEqual({ findings: 0, scan });
    // Message texts never appear in any service's log (a sample of every scenario's texts).
    expect(report.textScan.scanned.logFiles).toBeGreaterThanOrEqual(8);
    expect(report.textScan.findings.map((f) => `${f.where}: ${f.snippet}`)).toEqual([]);
    const { scanned } = report.secretScan;
    expect(scanned.kafkaComplete).toBe(true);
    expect([scanned.logBytes, scanned.responses, scanned.kafkaRecords].every((n) => n > 0)).toBe(true);
  }, 600_000);
});
