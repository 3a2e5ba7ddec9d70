import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

/**
 * The connector's WhatsApp-specific counters (default registry, served on /metrics). Webhook calls, rejections,
 * outbound messages and send retries are the kit's `crm_connector_*` counters (label channel_type="whatsapp").
 */
export const whatsappMetrics = {
  /** Updates of webhook POSTs by outcome: message, status, or dropped with the reason (reaction, other-number…). */
  updates: counter('crm_whatsapp_updates_total', 'WhatsApp webhook updates, by outcome', ['outcome', 'reason']),
};
