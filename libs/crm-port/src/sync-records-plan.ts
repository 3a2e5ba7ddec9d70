import type { SyncEntity } from './sync-item';

/** A CRM event as the integrations service reads it (crm.events.v1, envelope + data). */
export interface ForwardableEvent {
  kind: string;
  accountId: string;
  channelId: string;
  dialogId: string;
  clientId?: string;
  leadId?: string;
  messageId?: string;
}

/** The channel an event came through, linked to an integration. */
export interface LinkedChannel {
  accountId: string;
  integrationId: string;
}

export interface LeadFacts {
  clientId: string | null;
  dialogId: string;
}

/** A sync record to create (idempotently: an existing one with the same integration, entity and id is kept). */
export interface PlannedRecord {
  accountId: string;
  integrationId: string;
  entity: SyncEntity;
  entityId: string;
  leadId: string | null;
  dialogId: string;
  channelId: string;
  /** The record this one needs first (a lead's client, a message's lead), same integration. */
  parent: { entity: SyncEntity; entityId: string } | null;
}

const CLIENT_KINDS = new Set(['client.created', 'client.matched']);
const LEAD_KINDS = new Set(['lead.created', 'lead.linked']);
const MESSAGE_KINDS = new Set(['message.received', 'message.sent']);

/** Event kinds that create sync records. */
export const FORWARDED_EVENT_KINDS: ReadonlySet<string> = new Set([...CLIENT_KINDS, ...LEAD_KINDS, ...MESSAGE_KINDS]);

export interface SyncRecordsInput {
  /** Events of channels linked to an integration, after the link, in consumption order. */
  events: readonly ForwardableEvent[];
  channels: ReadonlyMap<string, LinkedChannel>;
  leads: ReadonlyMap<string, LeadFacts>;
  /** messageId → its dialog's lead, for message events that name none (message.sent). */
  messageLeads: ReadonlyMap<string, string | null>;
}

/**
 * The sync records a run of CRM events asks for (DESIGN §7a): a client → its contact record; a lead → its lead record,
 * after its client's record; a message of a lead → its comment record, after the lead's record (a message of a dialog
 * without a lead is not forwarded: a comment needs a lead). Every record comes after the records it depends on
 * (clients, then leads, then messages, each in event order), which is the order they go out in.
 */
export function planSyncRecords(input: SyncRecordsInput): PlannedRecord[] {
  const planned = new Map<string, PlannedRecord>();
  const order: Record<SyncEntity, PlannedRecord[]> = { client: [], lead: [], message: [] };
  const put = (record: PlannedRecord) => {
    const key = `${record.integrationId}:${record.entity}:${record.entityId}`;
    if (planned.has(key)) return;
    planned.set(key, record);
    order[record.entity].push(record);
  };
  const base = (event: ForwardableEvent, channel: LinkedChannel) => ({
    accountId: event.accountId,
    integrationId: channel.integrationId,
    channelId: event.channelId,
  });
  const putClient = (event: ForwardableEvent, channel: LinkedChannel, clientId: string, dialogId: string) =>
    put({ ...base(event, channel), entity: 'client', entityId: clientId, leadId: null, dialogId, parent: null });
  const putLead = (event: ForwardableEvent, channel: LinkedChannel, leadId: string): boolean => {
    const lead = input.leads.get(leadId);
    if (!lead) return false;
    if (lead.clientId) putClient(event, channel, lead.clientId, lead.dialogId);
    put({ ...base(event, channel), entity: 'lead', entityId: leadId, leadId, dialogId: lead.dialogId, parent: lead.clientId ? { entity: 'client', entityId: lead.clientId } : null });
    return true;
  };

  for (const event of input.events) {
    const channel = input.channels.get(event.channelId);
    if (!channel || channel.accountId !== event.accountId) continue;
    if (CLIENT_KINDS.has(event.kind) && event.clientId) {
      putClient(event, channel, event.clientId, event.dialogId);
    } else if (LEAD_KINDS.has(event.kind) && event.leadId) {
      putLead(event, channel, event.leadId);
    } else if (MESSAGE_KINDS.has(event.kind) && event.messageId) {
      const leadId = event.leadId ?? input.messageLeads.get(event.messageId) ?? null;
      if (!leadId || !putLead(event, channel, leadId)) continue;
      put({ ...base(event, channel), entity: 'message', entityId: event.messageId, leadId, dialogId: event.dialogId, parent: { entity: 'lead', entityId: leadId } });
    }
  }
  return [...order.client, ...order.lead, ...order.message];
}
