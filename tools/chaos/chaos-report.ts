import { type ChaosRow, rowIsClean } from './chaos-run';

const COLUMNS: Array<[string, (r: ChaosRow) => string]> = [
  ['fault', (r) => r.fault],
  ['acked', (r) => String(r.acked)],
  ['stored', (r) => String(r.stored)],
  ['missing', (r) => String(r.missing)],
  ['duplicates', (r) => String(r.duplicates)],
  ['out of order', (r) => String(r.outOfOrder)],
  ['bad conversations', (r) => String(r.badConversations)],
  ['forwarded once', (r) => `${r.forwarded}${r.forwardedTwice ? ` (+${r.forwardedTwice} twice)` : ''}${r.notForwarded ? ` (${r.notForwarded} not)` : ''}`],
  ['recovery', (r) => `${(r.recoveryMs / 1000).toFixed(1)} s`],
  ['refused answers', (r) => Object.entries(r.refusals).map(([k, v]) => `${k}:${v}`).join(' ') || '-'],
  ['', (r) => (rowIsClean(r) ? 'ok' : 'VIOLATION')],
];

/** The report as a Markdown table (pastes into a closing note as it is). */
export function formatChaosTable(rows: ChaosRow[]): string {
  const lines = [`| ${COLUMNS.map(([h]) => h).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`);
  return lines.join('\n');
}
