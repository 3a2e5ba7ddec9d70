import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

/** Avito-specific counters (default registry, /metrics); webhook calls and sends are the kit's crm_connector_* ones. */
export const avitoMetrics = {
  /** Webhook messages by outcome: accepted, skipped (reason: echo, system, payload-type, malformed-message), not-found. */
  webhooks: counter('crm_avito_webhooks_total', 'Avito webhook deliveries, by outcome and reason', ['outcome', 'reason']),
  /** Chat-info lookups on the webhook path: cached, in-budget, late (past the budget, enriched later), failed. */
  chatInfo: counter('crm_avito_chat_info_total', 'Avito chat info lookups on the webhook path, by outcome', ['outcome']),
  /** /token calls by result (one refresh across instances shows as one `issued`). */
  tokens: counter('crm_avito_token_requests_total', 'Avito access token requests, by result', ['result']),
};
