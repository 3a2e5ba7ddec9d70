import { Counter, register } from 'prom-client';

/** Prometheus metrics of forwarding (served on /metrics). */
export function syncMetrics() {
  return {
    requests:
      (register.getSingleMetric('crm_integrations_requests_total') as Counter<'crm' | 'outcome'>) ??
      new Counter({ name: 'crm_integrations_requests_total', help: 'Requests made to external CRMs, by outcome (ok, rate-limited, unavailable, credentials-rejected)', labelNames: ['crm', 'outcome'] }),
    records:
      (register.getSingleMetric('crm_integrations_records_total') as Counter<'crm' | 'state'>) ??
      new Counter({ name: 'crm_integrations_records_total', help: 'Sync records that reached a final state (synced, failed)', labelNames: ['crm', 'state'] }),
  };
}
