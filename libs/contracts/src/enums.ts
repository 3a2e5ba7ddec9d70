// Closed value sets used by the Kafka contracts. Each is a const object (usable as a value: `MessageKind.Text`) plus a
// string-literal union type of the same name, so plain object literals (`kind: 'text'`) type-check against the classes.

function valuesOf<T extends Record<string, string>>(o: T): ReadonlyArray<T[keyof T]> {
  return Object.freeze(Object.values(o)) as ReadonlyArray<T[keyof T]>;
}

/** Channel (connector) types — DESIGN §1/§2. */
export const ChannelType = {
  Telegram: 'telegram',
  Whatsapp: 'whatsapp',
  Vk: 'vk',
  Avito: 'avito',
  Widget: 'widget',
} as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];
export const CHANNEL_TYPES = valuesOf(ChannelType);

/** Kind of a normalized inbound message — DESIGN §6. */
export const MessageKind = {
  Text: 'text',
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  Voice: 'voice',
  Document: 'document',
  Sticker: 'sticker',
  Location: 'location',
  Contact: 'contact',
  Unsupported: 'unsupported',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];
export const MESSAGE_KINDS = valuesOf(MessageKind);

/** Kind of a file attached to a message (the file-carrying subset of MessageKind). */
export const AttachmentKind = {
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  Voice: 'voice',
  Document: 'document',
  Sticker: 'sticker',
} as const;
export type AttachmentKind = (typeof AttachmentKind)[keyof typeof AttachmentKind];
export const ATTACHMENT_KINDS = valuesOf(AttachmentKind);

/** What happened to the platform message: a new one, an edit of an earlier one, or its deletion. */
export const InboundEvent = {
  New: 'new',
  Edit: 'edit',
  Delete: 'delete',
} as const;
export type InboundEvent = (typeof InboundEvent)[keyof typeof InboundEvent];
export const INBOUND_EVENTS = valuesOf(InboundEvent);

/** Delivery status reported by a connector on channels.status.v1 (an outbound message was sent/delivered/read/failed). */
export const DeliveryStatus = {
  Sent: 'sent',
  Delivered: 'delivered',
  Read: 'read',
  Failed: 'failed',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];
export const DELIVERY_STATUSES = valuesOf(DeliveryStatus);

/** Full lifecycle of an outbound message as stored (DESIGN §4): queued → sent → delivered → read; failed is final. */
export const MessageStatus = {
  Queued: 'queued',
  Sent: 'sent',
  Delivered: 'delivered',
  Read: 'read',
  Failed: 'failed',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];
export const MESSAGE_STATUSES = valuesOf(MessageStatus);

/** Channel health as observed by its connector (channels.status.v1, `channel.health`). */
export const ChannelHealthStatus = {
  Active: 'active',
  Degraded: 'degraded',
  NeedsReauth: 'needs-reauth',
  Disconnected: 'disconnected',
} as const;
export type ChannelHealthStatus = (typeof ChannelHealthStatus)[keyof typeof ChannelHealthStatus];
export const CHANNEL_HEALTH_STATUSES = valuesOf(ChannelHealthStatus);

/** Channel status as stored by the api and published on channels.config.v1 (DESIGN §4). */
export const ChannelStatus = {
  Active: 'active',
  Inactive: 'inactive',
  Error: 'error',
} as const;
export type ChannelStatus = (typeof ChannelStatus)[keyof typeof ChannelStatus];
export const CHANNEL_STATUSES = valuesOf(ChannelStatus);

/** Kinds of CRM events on crm.events.v1 (DESIGN §6). */
export const CrmEventKind = {
  ClientCreated: 'client.created',
  ClientMatched: 'client.matched',
  /** An admin merged client `mergedClientId` into `clientId` (POST /clients/:id/merge); one per lead (or dialog) of the survivor. */
  ClientMerged: 'client.merged',
  /** An admin erased the client's personal data (DELETE /clients/:id); one per lead (or dialog) it had. No personal data. */
  ClientErased: 'client.erased',
  LeadCreated: 'lead.created',
  LeadLinked: 'lead.linked',
  /** An agent moved the lead to another stage or closed/reopened it (PATCH /leads/:id). */
  LeadUpdated: 'lead.updated',
  DialogOpened: 'dialog.opened',
  DialogClosed: 'dialog.closed',
  MessageReceived: 'message.received',
  MessageSent: 'message.sent',
  MessageStatus: 'message.status',
  /** An inbound message was edited on the platform (its previous content is kept as a revision). */
  MessageEdited: 'message.edited',
  /** An inbound message was deleted on the platform (the row stays, marked deleted). */
  MessageDeleted: 'message.deleted',
  /** The integrations service synced a record to an external CRM, or gave up on it (`data.sync`, DESIGN §7a). */
  SyncUpdated: 'sync.updated',
} as const;
export type CrmEventKind = (typeof CrmEventKind)[keyof typeof CrmEventKind];
export const CRM_EVENT_KINDS = valuesOf(CrmEventKind);

/** Status of a lead (DESIGN §4). */
export const LeadStatus = {
  Open: 'open',
  Won: 'won',
  Lost: 'lost',
} as const;
export type LeadStatus = (typeof LeadStatus)[keyof typeof LeadStatus];
export const LEAD_STATUSES = valuesOf(LeadStatus);

/** Which routing rule (DESIGN §7.2) linked a client to a dialog. */
export const ClientMatchRule = {
  /** The client already linked to identity (channel, external user). */
  Identity: 'identity',
  /** Same normalized (E.164) phone. */
  Phone: 'phone',
  /** Same username on the same channel type. */
  Username: 'username',
} as const;
export type ClientMatchRule = (typeof ClientMatchRule)[keyof typeof ClientMatchRule];
export const CLIENT_MATCH_RULES = valuesOf(ClientMatchRule);

/** What a sync record forwards to an external CRM (DESIGN §7a): client → contact, lead → lead, message → comment. */
export const SYNC_ENTITIES = Object.freeze(['client', 'lead', 'message'] as const);
export type SyncEntity = (typeof SYNC_ENTITIES)[number];
/** Sync state of a record as the API shows it (DESIGN §7a). */
export const SYNC_RECORD_STATES = Object.freeze(['pending', 'synced', 'failed'] as const);
export type SyncRecordState = (typeof SYNC_RECORD_STATES)[number];
