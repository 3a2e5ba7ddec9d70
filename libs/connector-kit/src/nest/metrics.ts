import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

/** Prometheus counters every connector shares (default registry, served on /metrics), labelled by channel type. */
export const connectorMetrics = {
  /** Webhook calls by outcome: accepted, rejected, unknown-channel, bad-request, too-large, unavailable, failed. */
  webhookCalls: counter('crm_connector_webhook_calls_total', 'Webhook calls, by channel type and outcome', ['channel_type', 'outcome']),
  /** Calls whose secret or signature was wrong, per channel (a wrong app secret shows here, not silently). */
  webhookRejected: counter('crm_connector_webhook_rejected_total', 'Webhook calls with a rejected secret or signature, per channel', ['channel_type', 'channel_id']),
  /** Outbound messages by final status (sent, failed, duplicate) and error code. */
  outbound: counter('crm_connector_outbound_messages_total', 'Outbound messages, by channel type, status and error code', ['channel_type', 'status', 'error_code']),
  /** Retried platform calls of sends (retry-after honoured, outages). */
  sendRetries: counter('crm_connector_send_retries_total', 'Retried platform send calls, by channel type and cause', ['channel_type', 'cause']),
  /** Channel connects / disconnects by result. */
  connections: counter('crm_connector_channel_connections_total', 'Channel connects and disconnects, by channel type, action and result', ['channel_type', 'action', 'result']),
};
