import { CrmEventData, decodeEnvelope, type DecodeOptions, EventEnvelope, InboundMessageData, OutboundMessageData } from '@crm/contracts';

/** Consumers decode tolerantly: fields a newer producer added are stripped (DESIGN §6). */
const ON_CONSUME: DecodeOptions = { unknownFields: 'strip' };

/** What a widget consumer does with one record of a topic every connector reads. */
export type WidgetRecord =
  | { kind: 'skip' }
  | { kind: 'reply'; envelope: EventEnvelope<OutboundMessageData> }
  | { kind: 'visitor-message'; envelope: EventEnvelope<InboundMessageData> }
  /** lead-routing stored a visitor message (crm.events.v1 message.received): the visitor's pages show it delivered. */
  | { kind: 'stored-message'; envelope: EventEnvelope<CrmEventData> };

/**
 * `type` and `data.channelType` of a record without validating it: other channels' records are skipped before the
 * (costlier) contract validation, and a record that is not even JSON is left to the connector it belongs to.
 */
export function peekRecord(raw: Buffer | null): { type?: string; channelType?: string; channelId?: string; kind?: string } {
  if (!raw || raw.length === 0) return {};
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { type?: unknown; channelId?: unknown; data?: { channelType?: unknown; kind?: unknown } };
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { type: text(parsed?.type), channelId: text(parsed?.channelId), channelType: text(parsed?.data?.channelType), kind: text(parsed?.data?.kind) };
  } catch {
    return {};
  }
}

/**
 * Widget records of channels.outbound.v1 / channels.inbound.v1, validated with the contract classes (throws
 * ContractViolationError for an invalid widget record); everything else is `skip`.
 */
export function decodeWidgetRecord(raw: Buffer | null): WidgetRecord {
  const peek = peekRecord(raw);
  if (peek.channelType !== 'widget') return { kind: 'skip' };
  if (peek.type === 'message.outbound') return { kind: 'reply', envelope: decodeEnvelope(raw, OutboundMessageData, ON_CONSUME) };
  if (peek.type === 'message.inbound') return { kind: 'visitor-message', envelope: decodeEnvelope(raw, InboundMessageData, ON_CONSUME) };
  return { kind: 'skip' };
}

/**
 * `message.received` CRM events of the channels `watched` says yes to (those with visitors connected here); the rest
 * — every other channel's CRM traffic — is skipped without validation.
 */
export function decodeStoredMessageEvent(raw: Buffer | null, watched: (channelId: string) => boolean): WidgetRecord {
  const peek = peekRecord(raw);
  if (peek.type !== 'crm.event' || peek.kind !== 'message.received' || !peek.channelId || !watched(peek.channelId)) return { kind: 'skip' };
  return { kind: 'stored-message', envelope: decodeEnvelope(raw, CrmEventData, ON_CONSUME) };
}
