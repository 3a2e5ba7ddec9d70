import { abuseRowIsClean, type AbuseReport, memoryIsClean } from './abuse-run';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The abuse report as Markdown tables (per endpoint; memory per service), pasteable into a closing note. */
export function formatAbuseTable(report: AbuseReport): string {
  const lines = ['| endpoint | tried | 2xx | 3xx | 4xx | 5xx | no answer | stored | service alive+ready | |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of report.rows) {
    const a = r.answered;
    const cells = [r.endpoint, r.tried, a['2xx'], a['3xx'], a['4xx'], a['5xx'], a.none, r.stored.join(' ') || '-', r.alive && r.ready ? 'yes' : `alive ${r.alive}, ready ${r.ready}`, abuseRowIsClean(r) ? 'ok' : 'VIOLATION'];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', '| service | RSS before (after GC) | RSS after (after GC) | growth | |', '|---|---|---|---|---|');
  for (const m of report.memory) {
    const growth = `${(((m.rssAfter - m.rssBefore) / m.rssBefore) * 100).toFixed(1)} %`;
    lines.push(`| ${m.service} | ${mb(m.rssBefore)} | ${mb(m.rssAfter)} | ${growth} | ${memoryIsClean(m, report.rssTolerance) ? 'ok' : 'VIOLATION'} |`);
  }
  if (report.storedLate.length > 0) lines.push('', `Stored after the last endpoint (asynchronous consumers): ${report.storedLate.join(', ')} — VIOLATION`);
  const tolerated = report.rows.filter((r) => r.tolerated.length > 0).map((r) => `- ${r.endpoint}: ${r.tolerated.length} (${r.tolerated.slice(0, 6).join('; ')}${r.tolerated.length > 6 ? '; …' : ''})`);
  if (tolerated.length > 0) lines.push('', 'Stored from tolerable calls (authentic, well-formed objects; valid bytes under another content type; stripped prototype keys):', ...tolerated);
  const failures = report.rows.flatMap((r) => r.failures.map((f) => `- ${r.endpoint}: ${f}`));
  if (failures.length > 0) lines.push('', 'First failures:', ...failures);
  return lines.join('\n');
}
