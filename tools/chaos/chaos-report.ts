import { type ChaosRow, rowIsClean, secretScanIsClean } from './chaos-run';
import type { SecretScanResult } from './secret-scan';

const COLUMNS: Array<[string, (r: ChaosRow) => string]> = [
  ['fault', (r) => r.fault],
  ['acked', (r) => String(r.acked)],
  ['stored', (r) => String(r.stored)],
  ['missing', (r) => String(r.missing)],
  ['duplicates', (r) => String(r.duplicates)],
  ['out of order', (r) => String(r.outOfOrder)],
  ['bad conversations', (r) => String(r.badConversations)],
  ['forwarded once', (r) => `${r.forwarded}${r.forwardedTwice ? ` (+${r.forwardedTwice} twice)` : ''}${r.notForwarded ? ` (${r.notForwarded} not)` : ''}`],
  [
    'replies delivered once',
    (r) =>
      `${r.repliesDelivered}/${r.repliesAcked}${r.repliesInDoubt ? ` (${r.repliesInDoubt} in doubt)` : ''}${r.repliesDeliveredTwice ? ` (+${r.repliesDeliveredTwice} twice)` : ''}${r.repliesLost ? ` (${r.repliesLost} lost)` : ''}${r.repliesOutOfOrder ? ` (${r.repliesOutOfOrder} out of order)` : ''}`,
  ],
  ['recovery', (r) => `${(r.recoveryMs / 1000).toFixed(1)} s`],
  ['longest wait for a 2xx', (r) => `${(r.longestWaitMs / 1000).toFixed(1)} s`],
  ['refused answers', (r) => Object.entries(r.refusals).map(([k, v]) => `${k}:${v}`).join(' ') || '-'],
  ['', (r) => (rowIsClean(r) ? 'ok' : 'VIOLATION')],
];

/** The report as a Markdown table (pastes into a closing note as it is). */
export function formatChaosTable(rows: ChaosRow[]): string {
  const lines = [`| ${COLUMNS.map(([h]) => h).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`);
  return lines.join('\n');
}

/** The credentials scan as a Markdown section: what was read, then one line per finding (secrets masked). */
export function formatSecretScan(scan: SecretScanResult): string {
  const { scanned } = scan;
  const head =
    `**Plaintext credentials: ${scan.findings.length} findings** (${secretScanIsClean(scan) ? 'ok' : 'VIOLATION'}) in ${scanned.logFiles} service logs ` +
    `(${scanned.logBytes} bytes), ${scanned.responses} distinct response bodies, ${scanned.kafkaRecords} Kafka records of ${scanned.kafkaTopics} topics` +
    `${scanned.kafkaComplete ? '' : ' (Kafka NOT read to the end)'}`;
  return [head, ...scan.findings.map((f) => `- ${f.where}: ${f.secret} (${f.encoding}, ×${f.count}) — \`${f.snippet.replace(/`/g, "'")}\``)].join('\n');
}
