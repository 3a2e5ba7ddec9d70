import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

/**
 * The connector's Telegram-specific counters (default registry, served on /metrics). Outbound messages, send retries,
 * webhook calls and connections are the kit's `crm_connector_*` counters (label channel_type="telegram").
 */
export const telegramMetrics = {
  /**
   * Webhook / polling updates by outcome: accepted, duplicate, skipped (with the reason: chat-type, update-kind,
   * malformed-message, invalid), unauthorized, bad-request.
   */
  updates: counter('crm_telegram_updates_total', 'Telegram updates received, by outcome', ['outcome', 'reason']),
};
