import { CHANNEL_HEALTH_TYPE, CRM_EVENT_TYPE, type KnownEnvelope } from '@crm/contracts';

/** One Server-Sent Event for the browsers of one account. */
export interface LiveEvent {
  /** The Kafka envelope id (SSE `id:`). */
  id: string;
  /** SSE `event:` — a CRM event kind (message.received, dialog.closed, message.status…) or `channel.status`. */
  type: string;
  accountId: string;
  data: Record<string, unknown>;
}

/**
 * What the frontend is told about an envelope: CRM events (messages in/out and their statuses, dialogs opened/closed,
 * clients and leads) under their kind, and connectors' channel health as `channel.status`. Anything else (e.g. raw
 * connector delivery reports — the CRM's message.status follows once it is stored) is not forwarded.
 */
export function toLiveEvent(envelope: KnownEnvelope): LiveEvent | null {
  const base = { channelId: envelope.channelId ?? null, occurredAt: envelope.occurredAt };
  if (envelope.type === CRM_EVENT_TYPE) {
    return { id: envelope.id, type: envelope.data.kind, accountId: envelope.accountId, data: { ...base, ...envelope.data } };
  }
  if (envelope.type === CHANNEL_HEALTH_TYPE) {
    return { id: envelope.id, type: 'channel.status', accountId: envelope.accountId, data: { ...base, ...envelope.data } };
  }
  return null;
}

/** The SSE wire format of one event. */
export function formatSse(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
