import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames });
}

/** connector-vk's own counters (the kit counts webhook calls and sends). */
export const vkMetrics = {
  callbacks: counter('crm_vk_callbacks_total', 'VK Callback API calls by outcome (message, permission, confirmation, skipped, duplicate) and reason', ['outcome', 'reason']),
  names: counter('crm_vk_sender_names_total', 'Sender name lookups (users.get) by outcome: cached, in-budget, late, failed', ['outcome']),
};
