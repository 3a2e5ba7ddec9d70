import { CHANNEL_HEALTH_TYPE, CRM_EVENT_TYPE, type KnownEnvelope } from '@crm/contracts';

/** An event for the browsers of one account, as consumed from Kafka (before it has its place in the sequence). */
export interface LiveEventDraft {
  /** The Kafka envelope id: an event is recorded once however often it is consumed. */
  sourceId: string;
  /** SSE `event:` — a CRM event kind (message.received, dialog.closed, message.status…) or `channel.status`. */
  type: string;
  accountId: string;
  data: Record<string, unknown>;
}

/** One recorded event (a row of live_events), as streamed. */
export interface LiveEvent {
  /** SSE `id:` — its place in the durable sequence (a bigint as a decimal string). */
  id: string;
  type: string;
  accountId: string;
  data: Record<string, unknown>;
}

/**
 * What the frontend is told about an envelope: CRM events (messages in/out and their statuses, dialogs opened/closed,
 * clients and leads) under their kind, and connectors' channel health as `channel.status`. Anything else (e.g. raw
 * connector delivery reports — the CRM's message.status follows once it is stored) is not forwarded.
 */
export function toLiveEvent(envelope: KnownEnvelope): LiveEventDraft | null {
  const base = { channelId: envelope.channelId ?? null, occurredAt: envelope.occurredAt };
  if (envelope.type === CRM_EVENT_TYPE) {
    return { sourceId: envelope.id, type: envelope.data.kind, accountId: envelope.accountId, data: { ...base, ...envelope.data } };
  }
  if (envelope.type === CHANNEL_HEALTH_TYPE) {
    return { sourceId: envelope.id, type: 'channel.status', accountId: envelope.accountId, data: { ...base, ...envelope.data } };
  }
  return null;
}

/** The SSE wire format of one event. */
export function formatSse(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

const EVENT_ID = /^\d{1,18}$/;

/**
 * The position a reconnecting client gives (`?lastEventId=` or the `Last-Event-ID` header): events after it are
 * replayed. Anything that is not one of our ids (e.g. from before ids were a sequence) means "no position".
 */
export function parseEventId(value: string | undefined): bigint | undefined {
  const v = value?.trim();
  return v && EVENT_ID.test(v) ? BigInt(v) : undefined;
}
