/** What a sync record stands for in our data: the client becomes a contact, the lead a lead, a message a comment. */
export type SyncEntity = 'client' | 'lead' | 'message';

/** The channel a record came through (lead source, comment header, the IM field of a contact). */
export interface SyncChannel {
  id: string;
  /** telegram | whatsapp | vk | avito | widget */
  type: string;
  name: string;
}

export interface ClientSnapshot {
  id: string;
  name: string;
  /** E.164, verified or not (stored on the contact as given). */
  phoneE164: string | null;
  /**
   * True only when a platform vouched for the phone (WhatsApp sender, a Telegram contact shared by its owner,
   * DESIGN §7): only then may the CRM be searched with it. A typed phone never attaches us to someone's contact.
   */
  phoneVerified: boolean;
  /** The platform identity the client wrote from, for the contact's IM field. */
  identity: { channelType: string; externalUserId: string; username: string | null } | null;
}

export interface LeadSnapshot {
  id: string;
  title: string;
  clientName: string | null;
  channel: SyncChannel;
}

export interface MessageSnapshot {
  id: string;
  direction: 'in' | 'out';
  kind: string;
  text: string | null;
  attachments: Array<{ kind: string; fileName?: string | null }>;
  sentAt: Date;
  /** The message was deleted on the platform before it was forwarded. */
  deleted: boolean;
  channel: SyncChannel;
}

interface SyncItemBase {
  /** The sync record's id (our marker in the CRM for messages is the message id, not this). */
  recordId: string;
  entityId: string;
  /**
   * The record this one hangs on: a lead's client record, a message's lead record (null: none, e.g. a lead without a
   * client). Records come in dependency order: a parent that is not synced yet appears earlier in the same work.
   */
  parentRecordId: string | null;
  /** The parent's id in the CRM when it is already synced. */
  parentExternalId: string | null;
  /**
   * A previous attempt may have created this record in the CRM (timeout, dropped connection, crash): the adapter
   * must look it up (by our id / marker) before creating it again.
   */
  needsLookup: boolean;
  /** Failed attempts so far. */
  attempts: number;
}

export interface ClientItem extends SyncItemBase {
  entity: 'client';
  client: ClientSnapshot;
  /** The verified phone was already searched in the CRM without a match: create the contact now. */
  phoneSearched: boolean;
}

export interface LeadItem extends SyncItemBase {
  entity: 'lead';
  lead: LeadSnapshot;
}

export interface MessageItem extends SyncItemBase {
  entity: 'message';
  message: MessageSnapshot;
  /** Our lead id (the comment goes on that lead). */
  leadId: string;
}

/** One record due for forwarding, with what the adapter needs to send it. */
export type SyncItem = ClientItem | LeadItem | MessageItem;

/** Text marker that lets a retry find a comment/note it may have added already. */
export function messageMarker(messageId: string): string {
  return `[crm-channels:${messageId}]`;
}
