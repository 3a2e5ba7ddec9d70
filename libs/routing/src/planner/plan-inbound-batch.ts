import type { CrmEventData } from '@crm/contracts';
import { normalizePhone } from '../normalize/normalize-phone';
import { normalizeUsername } from '../normalize/normalize-username';
import { decideClient } from '../rules/client-rule';
import { decideLead } from '../rules/lead-rule';
import {
  chatRef,
  identityRef,
  messageRef,
  phoneRef,
  usernameRef,
  type ChannelRouting,
  type DialogSnapshot,
  type DialogUpdateRow,
  type InboundInput,
  type MessageSnapshot,
  type MessageUpdateRow,
  type NewMessageRow,
  type PreparedInbound,
  type RoutingLookups,
  type RoutingPlan,
} from './routing-model';

export function prepareInbound(input: InboundInput): PreparedInbound {
  const phoneE164 = normalizePhone(input.sender.phone);
  return {
    ...input,
    phoneE164,
    // Only the platform's word makes a phone verified (DESIGN §7.2): absent, null or false is unverified.
    verifiedPhoneE164: input.sender.phoneVerified === true ? phoneE164 : null,
    username: normalizeUsername(input.sender.username),
  };
}

/** How the sender is called in a new client's name and a new lead's title. */
export function senderTitle(item: PreparedInbound): string {
  const name = item.sender.displayName?.trim();
  if (name) return name;
  if (item.username) return `@${item.username}`;
  if (item.phoneE164) return item.phoneE164;
  return `${item.channelType} ${item.sender.externalUserId}`;
}

/**
 * A new lead's title: the listing the conversation is about when the message carries one in `context.item.title`
 * (Avito u2i chats → "Avito: <item title>"; any type may send it), else the sender and the channel.
 */
export function leadTitle(item: PreparedInbound, channelName: string): string {
  const listing = (item.context?.item as { title?: unknown } | undefined)?.title;
  if (typeof listing === 'string' && listing.trim() !== '') {
    return `${item.channelType.charAt(0).toUpperCase()}${item.channelType.slice(1)}: ${listing.trim()}`;
  }
  return `${senderTitle(item)} — ${channelName}`;
}

interface WorkingDialog extends DialogSnapshot {
  accountId: string;
  channelId: string;
  conversationPending: boolean;
  reopened: boolean;
  conversationStartedAt: Date | null;
  unreadDelta: number;
  touched: boolean;
}

interface WorkingMessage extends MessageSnapshot {
  /** The row this batch inserts (edits/deletes of it are folded in), if it is new. */
  inserted?: NewMessageRow;
  update?: MessageUpdateRow;
}

function requireChannel(channels: ReadonlyMap<string, ChannelRouting>, item: PreparedInbound): ChannelRouting {
  const channel = channels.get(item.channelId);
  if (!channel) throw new Error(`planInboundBatch: channel ${item.channelId} was not resolved`);
  return channel;
}

/**
 * Applies DESIGN §7 to a run of inbound events in order, as if one at a time, on the snapshots the caller loaded:
 * dialog and conversation start (a closed dialog reopens as a new conversation), client (identity → phone →
 * username → create → none, recording the rule), lead (open lead → new lead in the funnel/stage → none), the
 * message itself (redeliveries change nothing), edits (previous content kept as a revision) and deletes.
 * Later events see the effects of earlier ones (a client created by the first message of a batch is matched by
 * the phone of the tenth). Pure: ids come from `newId`; nothing is read or written here.
 */
export function planInboundBatch(args: {
  items: readonly PreparedInbound[];
  channels: ReadonlyMap<string, ChannelRouting>;
  lookups: RoutingLookups;
  newId: () => string;
}): RoutingPlan {
  const { items, channels, lookups, newId } = args;
  const plan: RoutingPlan = {
    clients: [],
    identities: [],
    identityPhones: [],
    clientPhones: [],
    leads: [],
    messages: [],
    messageUpdates: [],
    revisions: [],
    dialogUpdates: [],
    events: [],
    skipped: [],
  };
  const dialogs = new Map<string, WorkingDialog>();
  const messages = new Map<string, WorkingMessage>();
  const identityClients = new Map(lookups.identityClients);
  const phoneClients = new Map(lookups.phoneClients);
  const usernameClients = new Map(lookups.usernameClients);
  const openLeads = new Map(lookups.openLeads);
  const identityPhones = new Map(lookups.identityPhones);
  const clientPhones = new Map(lookups.clientPhones);

  const dialogOf = (item: PreparedInbound): WorkingDialog => {
    const ref = chatRef(item.channelId, item.externalChatId);
    let dialog = dialogs.get(ref);
    if (!dialog) {
      const snapshot = lookups.dialogs.get(ref);
      if (!snapshot) throw new Error(`planInboundBatch: dialog of ${item.channelId}/${item.externalChatId} was not loaded`);
      dialog = {
        ...snapshot,
        accountId: item.accountId,
        channelId: item.channelId,
        conversationPending: snapshot.created || snapshot.status === 'closed',
        reopened: false,
        conversationStartedAt: null,
        unreadDelta: 0,
        touched: false,
      };
      dialogs.set(ref, dialog);
    }
    return dialog;
  };

  const messageOf = (item: PreparedInbound): WorkingMessage | undefined => {
    const ref = messageRef(item.channelId, item.externalMessageId);
    let message = messages.get(ref);
    if (!message) {
      const snapshot = lookups.messages.get(ref);
      if (!snapshot) return undefined;
      message = { ...snapshot, attachments: [...snapshot.attachments] };
      messages.set(ref, message);
    }
    return message;
  };

  const event = (item: PreparedInbound, data: CrmEventData): void => {
    plan.events.push({ accountId: item.accountId, channelId: item.channelId, data });
  };

  /**
   * DESIGN §7.2, a verified phone that arrives after the client was found (a Telegram contact shared later): it goes
   * to the sender's identity, and to the dialog's client when that client has no phone (or has this one unverified).
   * Nothing is merged: another client with the same phone shows up as a possible duplicate of this one.
   */
  const addVerifiedPhone = (item: PreparedInbound, clientId: string | null): void => {
    const phone = item.verifiedPhoneE164;
    if (!phone) return;
    const identity = identityRef(item.channelId, item.sender.externalUserId);
    if (identityPhones.has(identity) && identityPhones.get(identity) !== phone) {
      plan.identityPhones.push({ channelId: item.channelId, externalUserId: item.sender.externalUserId, phoneE164: phone });
      identityPhones.set(identity, phone);
    }
    const stored = clientId ? clientPhones.get(clientId) : undefined;
    if (!clientId || !stored || (stored.phoneE164 !== null && (stored.phoneE164 !== phone || stored.verified))) return;
    plan.clientPhones.push({ accountId: item.accountId, clientId, phoneE164: phone });
    clientPhones.set(clientId, { phoneE164: phone, verified: true });
    if (!phoneClients.has(phoneRef(item.accountId, phone))) phoneClients.set(phoneRef(item.accountId, phone), clientId);
  };

  items.forEach((item, index) => {
    const channel = requireChannel(channels, item);
    const settings = channel.settings;

    if (item.event === 'edit' || item.event === 'delete') {
      const target = messageOf(item);
      if (!target) {
        plan.skipped.push({ index, reason: 'unknown-target' });
        return;
      }
      if (item.event === 'edit') {
        if (target.editedAt && target.editedAt.getTime() >= item.sentAt.getTime()) {
          plan.skipped.push({ index, reason: 'stale-edit' });
          return;
        }
        plan.revisions.push({
          accountId: item.accountId,
          messageId: target.id,
          text: target.text,
          attachments: target.attachments,
          editedAt: item.sentAt,
        });
        target.text = item.text ?? null;
        target.attachments = item.attachments;
        target.editedAt = item.sentAt;
        event(item, { kind: 'message.edited', dialogId: target.dialogId, messageId: target.id });
      } else {
        if (target.deletedAt) {
          plan.skipped.push({ index, reason: 'already-deleted' });
          return;
        }
        target.deletedAt = item.sentAt;
        event(item, { kind: 'message.deleted', dialogId: target.dialogId, messageId: target.id });
      }
      if (target.inserted) {
        Object.assign(target.inserted, { text: target.text, attachments: target.attachments, editedAt: target.editedAt, deletedAt: target.deletedAt });
      } else {
        if (!target.update) {
          target.update = { id: target.id, edited: false, text: target.text, attachments: target.attachments, editedAt: target.editedAt, deletedAt: target.deletedAt };
          plan.messageUpdates.push(target.update);
        }
        Object.assign(target.update, {
          edited: target.update.edited || item.event === 'edit',
          text: target.text,
          attachments: target.attachments,
          editedAt: target.editedAt,
          deletedAt: target.deletedAt,
        });
      }
      return;
    }

    // event: new
    if (messageOf(item)) {
      plan.skipped.push({ index, reason: 'duplicate' });
      return;
    }
    const dialog = dialogOf(item);
    const conversationStarts = dialog.conversationPending;
    if (conversationStarts) {
      dialog.conversationPending = false;
      dialog.conversationStartedAt = item.sentAt;
      if (dialog.status === 'closed') dialog.reopened = true;
      dialog.status = 'open';
      event(item, { kind: 'dialog.opened', dialogId: dialog.id });
    }

    if (!dialog.clientId) {
      const decision = decideClient(settings, {
        identityClientId: identityClients.get(identityRef(item.channelId, item.sender.externalUserId)) ?? null,
        // Only a verified phone matches an existing client (DESIGN §7.2).
        phoneClientId: item.verifiedPhoneE164 ? phoneClients.get(phoneRef(item.accountId, item.verifiedPhoneE164)) ?? null : null,
        usernameClientId: item.username ? usernameClients.get(usernameRef(item.accountId, item.channelType, item.username)) ?? null : null,
      });
      if (decision.action !== 'none') {
        let clientId: string;
        if (decision.action === 'create') {
          clientId = newId();
          const phoneVerified = item.verifiedPhoneE164 !== null;
          plan.clients.push({ id: clientId, accountId: item.accountId, name: senderTitle(item), phoneE164: item.phoneE164, phoneVerified });
          clientPhones.set(clientId, { phoneE164: item.phoneE164, verified: phoneVerified });
          event(item, { kind: 'client.created', dialogId: dialog.id, clientId });
        } else {
          clientId = decision.clientId;
          event(item, { kind: 'client.matched', dialogId: dialog.id, clientId, matchRule: decision.rule });
        }
        if (decision.action === 'create' || decision.recordIdentity) {
          plan.identities.push({
            id: newId(),
            accountId: item.accountId,
            clientId,
            channelId: item.channelId,
            channelType: item.channelType,
            externalUserId: item.sender.externalUserId,
            username: item.username,
            phoneE164: item.phoneE164,
            displayName: item.sender.displayName?.trim() || null,
            matchRule: decision.rule,
          });
          identityClients.set(identityRef(item.channelId, item.sender.externalUserId), clientId);
          identityPhones.set(identityRef(item.channelId, item.sender.externalUserId), item.phoneE164);
          // Later senders of this batch match the new identity's verified phone/username like a stored one (oldest wins).
          if (item.verifiedPhoneE164 && !phoneClients.has(phoneRef(item.accountId, item.verifiedPhoneE164))) {
            phoneClients.set(phoneRef(item.accountId, item.verifiedPhoneE164), clientId);
          }
          if (item.username && !usernameClients.has(usernameRef(item.accountId, item.channelType, item.username))) {
            usernameClients.set(usernameRef(item.accountId, item.channelType, item.username), clientId);
          }
        }
        dialog.clientId = clientId;
      }
    }
    addVerifiedPhone(item, dialog.clientId);

    const lead = decideLead(settings, {
      conversationStarts,
      openLeadId: dialog.clientId ? openLeads.get(dialog.clientId) ?? null : null,
    });
    if (lead.action === 'link') {
      dialog.leadId = lead.leadId;
      event(item, { kind: 'lead.linked', dialogId: dialog.id, leadId: lead.leadId, ...(dialog.clientId ? { clientId: dialog.clientId } : {}) });
    } else if (lead.action === 'create') {
      const leadId = newId();
      plan.leads.push({
        id: leadId,
        accountId: item.accountId,
        clientId: dialog.clientId,
        funnelId: lead.funnelId,
        stageId: lead.stageId,
        channelId: item.channelId,
        dialogId: dialog.id,
        title: leadTitle(item, channel.name),
      });
      if (dialog.clientId) openLeads.set(dialog.clientId, leadId);
      dialog.leadId = leadId;
      event(item, { kind: 'lead.created', dialogId: dialog.id, leadId, ...(dialog.clientId ? { clientId: dialog.clientId } : {}) });
    }

    const row: NewMessageRow = {
      id: newId(),
      accountId: item.accountId,
      dialogId: dialog.id,
      channelId: item.channelId,
      kind: item.kind,
      text: item.text ?? null,
      attachments: item.attachments,
      location: item.location ?? null,
      contact: item.contact ?? null,
      context: item.context ?? null,
      externalId: item.externalMessageId,
      replyToExternalId: item.replyToExternalMessageId ?? null,
      senderExternalUserId: item.sender.externalUserId,
      sentAt: item.sentAt,
      editedAt: null,
      deletedAt: null,
    };
    plan.messages.push(row);
    messages.set(messageRef(item.channelId, item.externalMessageId), {
      id: row.id,
      dialogId: dialog.id,
      text: row.text,
      attachments: row.attachments,
      editedAt: null,
      deletedAt: null,
      inserted: row,
    });
    dialog.touched = true;
    dialog.unreadDelta += 1;
    if (!dialog.lastMessageAt || dialog.lastMessageAt.getTime() < item.sentAt.getTime()) dialog.lastMessageAt = item.sentAt;
    event(item, {
      kind: 'message.received',
      dialogId: dialog.id,
      messageId: row.id,
      ...(dialog.clientId ? { clientId: dialog.clientId } : {}),
      ...(dialog.leadId ? { leadId: dialog.leadId } : {}),
    });
  });

  for (const dialog of dialogs.values()) {
    if (!dialog.touched) continue;
    const update: DialogUpdateRow = {
      id: dialog.id,
      clientId: dialog.clientId,
      leadId: dialog.leadId,
      conversationStartedAt: dialog.conversationStartedAt,
      reopened: dialog.reopened,
      lastMessageAt: dialog.lastMessageAt!,
      unreadDelta: dialog.unreadDelta,
    };
    plan.dialogUpdates.push(update);
  }
  return plan;
}

/** What the service has to load (and lock) before planning a batch, derived from the batch and its dialogs. */
export interface LookupRequest {
  /** (channelId, externalUserId) of senders whose dialog has no client yet. */
  identities: Array<{ channelId: string; externalUserId: string }>;
  /** (accountId, verified phone) for auto-matching channels. */
  phones: Array<{ accountId: string; phoneE164: string }>;
  /** (accountId, channelType, username) for auto-matching channels. */
  usernames: Array<{ accountId: string; channelType: string; username: string }>;
  /**
   * Transaction-scoped advisory lock keys, sorted: identity, phone and username of every sender who may get a new
   * client or identity in this batch, so two transactions never create two clients for one person.
   */
  lockKeys: string[];
}

/**
 * The lookups a batch needs: only `new` events not already stored whose dialog has no client can create or match
 * one. `storedMessages` holds the refs (messageRef) of the batch's events already in the database.
 */
export function lookupRequestFor(
  items: readonly PreparedInbound[],
  channels: ReadonlyMap<string, ChannelRouting>,
  dialogs: ReadonlyMap<string, DialogSnapshot>,
  storedMessages: ReadonlySet<string>,
): LookupRequest {
  const identities = new Map<string, { channelId: string; externalUserId: string }>();
  const phones = new Map<string, { accountId: string; phoneE164: string }>();
  const usernames = new Map<string, { accountId: string; channelType: string; username: string }>();
  const locks = new Set<string>();
  for (const item of items) {
    if (item.event !== 'new' || storedMessages.has(messageRef(item.channelId, item.externalMessageId))) continue;
    const dialog = dialogs.get(chatRef(item.channelId, item.externalChatId));
    if (!dialog || dialog.clientId) continue;
    const settings = requireChannel(channels, item).settings;
    identities.set(identityRef(item.channelId, item.sender.externalUserId), { channelId: item.channelId, externalUserId: item.sender.externalUserId });
    const mayWrite = settings.autoMatchClient || settings.createClientOnFirstMessage;
    if (mayWrite) locks.add(`identity:${item.channelId}:${item.sender.externalUserId}`);
    // An unverified phone is never looked up, and never joins two senders: no lock on it either.
    if (item.verifiedPhoneE164) {
      const phoneE164 = item.verifiedPhoneE164;
      if (settings.autoMatchClient) phones.set(phoneRef(item.accountId, phoneE164), { accountId: item.accountId, phoneE164 });
      if (mayWrite) locks.add(`phone:${item.accountId}:${phoneE164}`);
    }
    if (item.username) {
      if (settings.autoMatchClient) {
        usernames.set(usernameRef(item.accountId, item.channelType, item.username), { accountId: item.accountId, channelType: item.channelType, username: item.username });
      }
      if (mayWrite) locks.add(`username:${item.accountId}:${item.channelType}:${item.username}`);
    }
  }
  return { identities: [...identities.values()], phones: [...phones.values()], usernames: [...usernames.values()], lockKeys: [...locks].sort() };
}

/**
 * Clients whose open lead a batch may link: the known or matchable clients of dialogs where a conversation starts on
 * a channel with findExistingLead. The service locks them (`lead:<clientId>`, after the client locks) and loads their
 * open leads, so two conversations starting at once for one client link one lead instead of creating two.
 */
export function leadCandidatesFor(
  items: readonly PreparedInbound[],
  channels: ReadonlyMap<string, ChannelRouting>,
  dialogs: ReadonlyMap<string, DialogSnapshot>,
  found: Pick<RoutingLookups, 'identityClients' | 'phoneClients' | 'usernameClients'>,
): string[] {
  const clients = new Set<string>();
  for (const item of items) {
    if (item.event !== 'new') continue;
    const dialog = dialogs.get(chatRef(item.channelId, item.externalChatId));
    if (!dialog || !(dialog.created || dialog.status === 'closed')) continue;
    if (!requireChannel(channels, item).settings.findExistingLead) continue;
    const candidates = [
      dialog.clientId,
      found.identityClients.get(identityRef(item.channelId, item.sender.externalUserId)),
      item.verifiedPhoneE164 ? found.phoneClients.get(phoneRef(item.accountId, item.verifiedPhoneE164)) : undefined,
      item.username ? found.usernameClients.get(usernameRef(item.accountId, item.channelType, item.username)) : undefined,
    ];
    for (const c of candidates) if (c) clients.add(c);
  }
  return [...clients].sort();
}

/** What the service loads before planning so a verified phone can join the sender's identity and client. */
export interface VerifiedPhoneTargets {
  /** (channelId, externalUserId) of senders with a verified phone: their identity's stored phone (identityPhones). */
  identities: Array<{ channelId: string; externalUserId: string }>;
  /** Clients the phone may be added to (clientPhones): the dialog's, or the one its identity / username gives. */
  clients: Array<{ accountId: string; clientId: string }>;
}

/**
 * DESIGN §7.2, a verified phone arriving after the first message: for each new event with a verified phone, the
 * sender's identity and the clients the dialog has or may get (other than by that very phone). Empty when no event of
 * the batch carries a verified phone, so most batches load nothing more.
 */
export function verifiedPhoneTargetsFor(
  items: readonly PreparedInbound[],
  dialogs: ReadonlyMap<string, DialogSnapshot>,
  storedMessages: ReadonlySet<string>,
  found: Pick<RoutingLookups, 'identityClients' | 'usernameClients'>,
): VerifiedPhoneTargets {
  const identities = new Map<string, { channelId: string; externalUserId: string }>();
  const clients = new Map<string, { accountId: string; clientId: string }>();
  for (const item of items) {
    if (item.event !== 'new' || !item.verifiedPhoneE164 || storedMessages.has(messageRef(item.channelId, item.externalMessageId))) continue;
    const dialog = dialogs.get(chatRef(item.channelId, item.externalChatId));
    if (!dialog) continue;
    const identity = identityRef(item.channelId, item.sender.externalUserId);
    identities.set(identity, { channelId: item.channelId, externalUserId: item.sender.externalUserId });
    const candidates = [
      dialog.clientId,
      found.identityClients.get(identity),
      item.username ? found.usernameClients.get(usernameRef(item.accountId, item.channelType, item.username)) : undefined,
    ];
    for (const clientId of candidates) if (clientId) clients.set(clientId, { accountId: item.accountId, clientId });
  }
  return { identities: [...identities.values()], clients: [...clients.values()].sort((a, b) => a.clientId.localeCompare(b.clientId)) };
}
