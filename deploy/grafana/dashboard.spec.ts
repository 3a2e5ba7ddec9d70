// deploy/grafana/crm-channels.json is a valid Grafana dashboard model, and every metric its queries use is one the
// code registers (our crm_* metrics found in the sources of apps/ and libs/, prom-client's default metrics asked from
// prom-client itself) — so renaming or dropping a metric fails here instead of leaving an empty panel.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARD_FILE = path.join(__dirname, 'crm-channels.json');
type Json = Record<string, any>;

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan']);

/** Metric names a PromQL expression selects (label matchers, groupings, ranges, strings and functions removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\()/g)) {
    // `(?!\s*\()` alone would accept a function name's prefix ("su" of "sum("): take whole words only.
    const before = stripped[m.index - 1];
    const after = stripped.slice(m.index + m[0].length);
    if ((before && /[a-zA-Z0-9_:$]/.test(before)) || /^[a-zA-Z0-9_:]/.test(after) || /^\s*\(/.test(after)) continue;
    if (!PROMQL_KEYWORDS.has(m[0].toLowerCase())) names.add(m[0]);
  }
  return [...names];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(p) && !p.includes(`${path.sep}testing${path.sep}`) ? [p] : [];
  });
}

/**
 * The series names the code can expose: every `crm_*` name a source file of apps/ or libs/ gives a prom-client metric
 * (a Histogram's also with _bucket/_count/_sum), plus prom-client's default metrics.
 */
export function registeredMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(path.join(ROOT, 'apps')), ...sourceFiles(path.join(ROOT, 'libs'))]) {
    const text = readFileSync(file, 'utf8');
    if (!/from 'prom-client'/.test(text)) continue;
    const histogram = /\bnew (Histogram|Summary)\b/.test(text);
    for (const m of text.matchAll(/['"`](crm_[a-z0-9_]+)['"`]/g)) {
      names.add(m[1]);
      if (histogram) for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${m[1]}${suffix}`);
    }
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const metric of defaults.getMetricsAsArray()) {
    names.add(metric.name);
    for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

function panelsOf(dashboard: Json): Json[] {
  return (dashboard.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);
}

/** Structural problems of a dashboard model (what Grafana needs to import it); [] when it is fine. */
export function checkDashboard(d: Json): string[] {
  const problems: string[] = [];
  for (const key of ['uid', 'title']) if (typeof d[key] !== 'string' || d[key] === '') problems.push(`dashboard: no ${key}`);
  if (!Number.isInteger(d.schemaVersion) || d.schemaVersion < 30) problems.push('dashboard: schemaVersion must be a recent integer');
  if (!Array.isArray(d.panels) || d.panels.length === 0) return [...problems, 'dashboard: no panels'];
  const variables = new Set<string>(((d.templating?.list ?? []) as Json[]).map((v) => String(v.name)));
  const ids = new Set<number>();
  for (const p of panelsOf(d)) {
    const where = `panel ${String(p.id)} "${String(p.title)}"`;
    if (!Number.isInteger(p.id) || ids.has(p.id)) problems.push(`${where}: id must be a unique integer`);
    ids.add(p.id);
    const g = p.gridPos ?? {};
    if (![g.h, g.w, g.x, g.y].every(Number.isInteger) || g.x + g.w > 24 || g.w < 1) problems.push(`${where}: gridPos must be integers within 24 columns`);
    if (p.type === 'row') continue;
    if (!['timeseries', 'stat', 'gauge', 'table', 'bargauge'].includes(p.type)) problems.push(`${where}: unknown panel type ${String(p.type)}`);
    if (!Array.isArray(p.targets) || p.targets.length === 0) problems.push(`${where}: no queries`);
    for (const t of (p.targets ?? []) as Json[]) {
      if (typeof t.expr !== 'string' || t.expr.trim() === '' || typeof t.refId !== 'string') problems.push(`${where}: a target without refId/expr`);
    }
    const text = JSON.stringify(p);
    for (const m of text.matchAll(/\$\{?([a-zA-Z_]\w*)/g)) if (!variables.has(m[1])) problems.push(`${where}: uses undefined variable $${m[1]}`);
  }
  return problems;
}

function expressions(d: Json): string[] {
  return [
    ...panelsOf(d).flatMap((p) => ((p.targets ?? []) as Json[]).map((t) => String(t.expr))),
    ...((d.templating?.list ?? []) as Json[]).map((v) => (typeof v.query === 'object' ? String(v.query.query ?? '') : '')).filter((q) => q.startsWith('label_values(')).map((q) => q.replace(/^label_values\(([^,)]+).*$/, '$1')),
  ];
}

describe('deploy/grafana/crm-channels.json', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Json;
  const registered = registeredMetricNames();

  it('is a valid dashboard model', () => {
    expect(checkDashboard(dashboard)).toEqual([]);
  });

  it('queries only metrics some service registers', () => {
    const used = new Set(expressions(dashboard).flatMap(metricNames));
    expect([...used].filter((n) => !registered.has(n))).toEqual([]);
    // The panels of issue 16: HTTP, webhooks, consumers, outbox, DLQ, CRM sync, processes.
    for (const name of [
      'crm_http_request_duration_seconds_count',
      'crm_http_request_duration_seconds_bucket',
      'crm_connector_webhook_rejected_total',
      'crm_kafka_consumer_lag',
      'crm_kafka_partitions_paused',
      'crm_outbox_backlog',
      'crm_kafka_messages_dead_lettered_total',
      'crm_integrations_records_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('the checks catch a stale metric, a broken panel and an undefined variable', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (service, le) (rate(crm_http_request_duration_seconds_bucket{service=~"$service", status=~"5.."}[5m])))')).toEqual(['crm_http_request_duration_seconds_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) / on (pod) group_left sum(b_bytes) > 0')).toEqual(['a_total', 'b_bytes']);
    expect(registered.has('crm_kafka_consumer_lag')).toBe(true);
    expect(registered.has('crm_process_cpu_seconds_total')).toBe(false);
    expect(registered.has('crm_no_such_metric_total')).toBe(false);

    const bad = structuredClone(dashboard);
    const panel = panelsOf(bad).find((p) => p.type === 'timeseries')!;
    panel.gridPos.x = 20;
    panel.targets[0].expr = 'rate(x[5m]) * $nowhere';
    bad.panels.push({ ...panelsOf(bad)[2] });
    expect(checkDashboard(bad)).toEqual(
      expect.arrayContaining([
        `panel ${String(panel.id)} "${String(panel.title)}": gridPos must be integers within 24 columns`,
        `panel ${String(panel.id)} "${String(panel.title)}": uses undefined variable $nowhere`,
        expect.stringMatching(/: id must be a unique integer$/),
      ]),
    );
  });
});
