import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

/** The connector's Prometheus counters (default registry, served on /metrics). */
export const telegramMetrics = {
  /**
   * Webhook / polling updates by outcome: accepted, duplicate, skipped (with the reason: chat-type, update-kind,
   * malformed-message, invalid), unauthorized, unknown-channel, bad-request, unavailable.
   */
  updates: counter('crm_telegram_updates_total', 'Telegram updates received, by outcome', ['outcome', 'reason']),
  /** Outbound messages by final status (sent, failed, duplicate) and error code. */
  outbound: counter('crm_telegram_outbound_messages_total', 'Outbound Telegram messages, by outcome', ['status', 'error_code']),
  /** 429 answers honoured and network retries of sends. */
  sendRetries: counter('crm_telegram_send_retries_total', 'Retried Telegram send calls, by cause', ['cause']),
  /** setWebhook / deleteWebhook / polling start-stop calls by result. */
  connections: counter('crm_telegram_channel_connections_total', 'Webhook registrations and removals, by action and result', ['action', 'result']),
};
