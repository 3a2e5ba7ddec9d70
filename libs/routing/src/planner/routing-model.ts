import type { ChannelType, CrmEventData, InboundEvent, MessageKind } from '@crm/contracts';
import type { ClientMatchReason } from '../rules/client-rule';
import type { RoutingSettings } from '../rules/routing-settings';

// The data the batch planner works on: plain values, no ORM, no transport. The lead-routing service loads the
// snapshots with a few set-based queries, the planner decides, the service writes the plan with a few more.

/** A channel as routing sees it: its tenant, type, name and routing rules. */
export interface ChannelRouting {
  id: string;
  accountId: string;
  type: ChannelType;
  name: string;
  settings: RoutingSettings;
}

export interface InboundSenderInput {
  externalUserId: string;
  displayName?: string | null;
  username?: string | null;
  phone?: string | null;
  /** The platform vouches that `phone` is the sender's own (DESIGN §7.2); absent or false = unverified. */
  phoneVerified?: boolean | null;
}

/** One normalized inbound event (DESIGN §6) with the tenant and channel of its envelope. */
export interface InboundInput {
  accountId: string;
  channelId: string;
  channelType: ChannelType;
  externalChatId: string;
  externalMessageId: string;
  event: InboundEvent;
  sender: InboundSenderInput;
  kind: MessageKind;
  text?: string | null;
  attachments: Array<Record<string, unknown>>;
  location?: Record<string, unknown> | null;
  contact?: Record<string, unknown> | null;
  context?: Record<string, unknown> | null;
  replyToExternalMessageId?: string | null;
  sentAt: Date;
}

/** An inbound event with the sender's phone (E.164) and username normalized once. */
export interface PreparedInbound extends InboundInput {
  /** The sender's phone, verified or not: stored on a new client and identity, shown, never matched unless verified. */
  phoneE164: string | null;
  /** `phoneE164` when the platform vouches for it, else null: the only phone that matches or joins a client. */
  verifiedPhoneE164: string | null;
  username: string | null;
}

/** A dialog as loaded (and locked) before planning. `created`: inserted by this very batch. */
export interface DialogSnapshot {
  id: string;
  status: 'open' | 'closed';
  clientId: string | null;
  leadId: string | null;
  lastMessageAt: Date | null;
  created: boolean;
}

/** A stored inbound message referenced by the batch (a redelivery, or the target of an edit / delete). */
export interface MessageSnapshot {
  id: string;
  dialogId: string;
  text: string | null;
  attachments: Array<Record<string, unknown>>;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** A client's stored phone, for the clients a verified phone may be added to. */
export interface ClientPhoneSnapshot {
  phoneE164: string | null;
  verified: boolean;
}

/** What the database said, keyed with the *Ref helpers. */
export interface RoutingLookups {
  dialogs: ReadonlyMap<string, DialogSnapshot>;
  messages: ReadonlyMap<string, MessageSnapshot>;
  identityClients: ReadonlyMap<string, string>;
  /** (account, phone) → the oldest client with that phone *verified*. */
  phoneClients: ReadonlyMap<string, string>;
  usernameClients: ReadonlyMap<string, string>;
  /** clientId → its most recent open lead. */
  openLeads: ReadonlyMap<string, string>;
  /** identityRef → the stored identity's phone, for senders with a verified phone (absent key = no identity). */
  identityPhones: ReadonlyMap<string, string | null>;
  /** clientId → its phone, for the clients a sender's verified phone may be added to (see verifiedPhoneTargetsFor). */
  clientPhones: ReadonlyMap<string, ClientPhoneSnapshot>;
}

export interface NewClientRow {
  id: string;
  accountId: string;
  name: string;
  phoneE164: string | null;
  /** The phone came verified (only then does it ever match another sender). */
  phoneVerified: boolean;
}

/** A verified phone for an identity that has none or another one (shared after the first message, DESIGN §7.2). */
export interface IdentityPhoneRow {
  channelId: string;
  externalUserId: string;
  phoneE164: string;
}

/** A verified phone for a client that had none, or had this one unverified. */
export interface ClientPhoneRow {
  accountId: string;
  clientId: string;
  phoneE164: string;
}

export interface NewIdentityRow {
  id: string;
  accountId: string;
  clientId: string;
  channelId: string;
  channelType: ChannelType;
  externalUserId: string;
  username: string | null;
  phoneE164: string | null;
  displayName: string | null;
  matchRule: ClientMatchReason;
}

export interface NewLeadRow {
  id: string;
  accountId: string;
  clientId: string | null;
  funnelId: string | null;
  stageId: string | null;
  channelId: string;
  dialogId: string;
  title: string;
}

export interface NewMessageRow {
  id: string;
  accountId: string;
  dialogId: string;
  channelId: string;
  kind: MessageKind;
  text: string | null;
  attachments: Array<Record<string, unknown>>;
  location: Record<string, unknown> | null;
  contact: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  externalId: string;
  replyToExternalId: string | null;
  senderExternalUserId: string;
  sentAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** Final state of an already stored message after the batch's edits / deletes. */
export interface MessageUpdateRow {
  id: string;
  edited: boolean;
  text: string | null;
  attachments: Array<Record<string, unknown>>;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** The previous content of an edited message. */
export interface RevisionRow {
  accountId: string;
  messageId: string;
  text: string | null;
  attachments: Array<Record<string, unknown>>;
  editedAt: Date;
}

/** What the batch changes on one dialog that received new messages. */
export interface DialogUpdateRow {
  id: string;
  clientId: string | null;
  leadId: string | null;
  /** Set when a conversation started in this batch (new dialog or reopened). */
  conversationStartedAt: Date | null;
  /** The dialog was closed and this batch reopened it. */
  reopened: boolean;
  lastMessageAt: Date;
  /** New inbound messages: added to unread_count. */
  unreadDelta: number;
}

/**
 * A CRM event to write to the outbox (crm.events.v1, key = dialogId). It occurs when lead-routing records it (the
 * writer stamps that time), not at the platform's send time: that one is the message's `sentAt`, in whole seconds for
 * most platforms, and a message received just after a channel was linked to a CRM must count as after the link.
 */
export interface PlannedCrmEvent {
  accountId: string;
  channelId: string;
  data: CrmEventData;
}

export type SkipReason = 'duplicate' | 'unknown-target' | 'stale-edit' | 'already-deleted';

export interface RoutingPlan {
  clients: NewClientRow[];
  identities: NewIdentityRow[];
  identityPhones: IdentityPhoneRow[];
  clientPhones: ClientPhoneRow[];
  leads: NewLeadRow[];
  messages: NewMessageRow[];
  messageUpdates: MessageUpdateRow[];
  revisions: RevisionRow[];
  dialogUpdates: DialogUpdateRow[];
  events: PlannedCrmEvent[];
  /** Inputs that changed nothing (by index in the batch) and why. */
  skipped: Array<{ index: number; reason: SkipReason }>;
}

// Map keys. \u0000 cannot occur in ids coming from JSON text columns we accept, so keys never collide.
const SEP = '\u0000';
export const chatRef = (channelId: string, externalChatId: string): string => `${channelId}${SEP}${externalChatId}`;
export const messageRef = (channelId: string, externalMessageId: string): string => `${channelId}${SEP}${externalMessageId}`;
export const identityRef = (channelId: string, externalUserId: string): string => `${channelId}${SEP}${externalUserId}`;
export const phoneRef = (accountId: string, phoneE164: string): string => `${accountId}${SEP}${phoneE164}`;
export const usernameRef = (accountId: string, channelType: string, username: string): string =>
  `${accountId}${SEP}${channelType}${SEP}${username}`;
