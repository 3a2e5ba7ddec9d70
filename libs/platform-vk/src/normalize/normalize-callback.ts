import type { InboundLocation, InboundMessageData, MessageKind } from '@crm/contracts';
import type { VkCallback, VkGeo, VkMessage, VkMessageNewObject, VkPermissionObject } from '../callback/vk-callback.types';
import { foreignKind, type ForeignKind } from '@crm/connector-kit';
import { mapVkAttachment, type ForeignPart, type MediaPart } from './vk-attachments';
import { isId, isObject, isUnixTime, MAX_ATTACHMENTS, SHORT, str, TEXT, unixToIso } from './vk-values';

/** peer_id of a group chat = 2000000000 + chat id (PLATFORMS.md §3). */
export const VK_CHAT_PEER_OFFSET = 2_000_000_000;

/** Why a callback produced no inbound message (each is answered `ok` to VK and counted, never retried). */
export type VkSkipReason =
  /** An event type the CRM does not store (typing, read, callback buttons, wall, group changes…). */
  | 'event-type'
  /** `message_reply`, or a `message_edit`/`message_new` of the community's own outgoing message. */
  | 'echo'
  /** A group chat (peer_id ≥ 2000000000): only private chats are conversations with a customer. */
  | 'group-chat'
  /** A message or permission event without the ids every one has. */
  | 'malformed';

export type VkCallbackOutcome =
  /** VK confirms the callback server: answer the channel's confirmation string as plain text. */
  | { outcome: 'confirmation'; groupId?: number }
  /** A new or edited message of a customer; `senderUserId` is whose name users.get can tell. */
  | { outcome: 'message'; eventId?: string; senderUserId: number; message: InboundMessageData }
  /** `message_allow` / `message_deny`: whether the community may write to this user. */
  | { outcome: 'permission'; eventId?: string; userId: number; externalChatId: string; allowed: boolean }
  | { outcome: 'skipped'; eventId?: string; reason: VkSkipReason; detail: string };

/** A shape check of a Callback API body: an object with a string `type`. */
export function isVkCallback(body: unknown): body is VkCallback & { type: string } {
  return isObject(body) && typeof (body as VkCallback).type === 'string';
}

/**
 * A VK Callback API body → what the connector does with it (DESIGN §5–§6). Pure: no I/O, no clock; the same body
 * always gives the same result (externalMessageId = VK's message id, stable, so redeliveries dedupe). The secret is
 * not checked here (see vkSecretMatches).
 */
export function normalizeVkCallback(body: VkCallback & { type: string }): VkCallbackOutcome {
  const eventId = str(body.event_id)?.slice(0, SHORT);
  const ids = eventId !== undefined ? { eventId } : {};
  switch (body.type) {
    case 'confirmation':
      return { outcome: 'confirmation', ...(isId(body.group_id) ? { groupId: body.group_id } : {}) };
    case 'message_new': {
      const wrapped = body.object as VkMessageNewObject | undefined;
      return messageOutcome(isObject(wrapped) ? wrapped.message : undefined, 'new', ids);
    }
    case 'message_edit':
      return messageOutcome(body.object as VkMessage | undefined, 'edit', ids);
    case 'message_reply':
      return { outcome: 'skipped', ...ids, reason: 'echo', detail: 'message_reply' };
    case 'message_allow':
    case 'message_deny': {
      const o = body.object as VkPermissionObject | undefined;
      if (!isObject(o) || !isId(o.user_id) || o.user_id <= 0) return { outcome: 'skipped', ...ids, reason: 'malformed', detail: `${body.type} without user_id` };
      return { outcome: 'permission', ...ids, userId: o.user_id, externalChatId: String(o.user_id), allowed: body.type === 'message_allow' };
    }
    default:
      return { outcome: 'skipped', ...ids, reason: 'event-type', detail: body.type.slice(0, 64) };
  }
}

function messageOutcome(m: VkMessage | undefined, event: 'new' | 'edit', ids: { eventId?: string }): VkCallbackOutcome {
  if (!isObject(m) || !isId(m.peer_id) || !isId(m.from_id) || !isUnixTime(m.date) || !hasMessageId(m)) {
    return { outcome: 'skipped', ...ids, reason: 'malformed', detail: 'peer_id, from_id, date or message id missing' };
  }
  if (m.peer_id >= VK_CHAT_PEER_OFFSET) return { outcome: 'skipped', ...ids, reason: 'group-chat', detail: String(m.peer_id) };
  if (m.out === 1 || m.from_id <= 0 || m.peer_id <= 0) return { outcome: 'skipped', ...ids, reason: 'echo', detail: `message_${event} from the community` };

  const content = contentOf(m);
  const edited = event === 'edit';
  const message: InboundMessageData = {
    channelType: 'vk',
    externalMessageId: vkMessageKey(m),
    externalChatId: String(m.peer_id),
    sender: { externalUserId: String(m.from_id) },
    kind: content.kind,
    ...(content.text !== undefined ? { text: content.text } : {}),
    attachments: content.attachments,
    ...(content.location ? { location: content.location } : {}),
    ...(isObject(m.reply_message) && hasMessageId(m.reply_message) ? { replyToExternalMessageId: vkMessageKey({ ...m.reply_message, peer_id: m.peer_id }) } : {}),
    event,
    sentAt: unixToIso(edited && isUnixTime(m.update_time) ? m.update_time : m.date),
    ...(Object.keys(content.context).length > 0 ? { context: content.context } : {}),
  };
  return { outcome: 'message', ...ids, senderUserId: m.from_id, message };
}

/**
 * The external id of a VK message: the community's message id (unique across the community's conversations — also
 * what messages.send returns for our replies); VK sets it to 0 in chats, where `<peer_id>_c<conversation_message_id>`
 * is used.
 */
export function vkMessageKey(m: Pick<VkMessage, 'id' | 'peer_id' | 'conversation_message_id'>): string {
  if (isId(m.id) && m.id > 0) return String(m.id);
  return `${m.peer_id}_c${m.conversation_message_id}`;
}

function hasMessageId(m: VkMessage): boolean {
  return (isId(m.id) && m.id > 0) || (isId(m.conversation_message_id) && m.conversation_message_id > 0);
}

interface Content {
  kind: MessageKind;
  text?: string;
  attachments: MediaPart['attachment'][];
  location?: InboundLocation;
  context: Record<string, unknown>;
}

/**
 * Files become attachments (the message's kind is the first file's), geo the location; shared links, wall posts,
 * products, polls… go through the kit's foreignKind table (their parts kept in the context; without own text, files
 * or location the message is what that table makes of the first of them). Forwarded messages go to the context.
 */
function contentOf(m: VkMessage): Content {
  const parts = (Array.isArray(m.attachments) ? m.attachments : []).filter(isObject).map(mapVkAttachment);
  const files = parts.filter((p): p is MediaPart => p.part === 'media').slice(0, MAX_ATTACHMENTS);
  const foreign = parts.filter((p): p is ForeignPart => p.part === 'foreign').map((p) => foreignKind('vk', p.platformKind, p.parts));
  const context = contextOf(m, files, foreign);
  const text = str(m.text)?.slice(0, TEXT);
  const location = locationOf(m.geo);
  const attachments = files.map((f) => f.attachment);
  if (files.length > 0) return { kind: files[0].attachment.kind, attachments, ...(text ? { text } : {}), ...(location ? { location } : {}), context };
  if (location) return { kind: 'location', attachments, location, ...(text ? { text } : {}), context };
  if (text) return { kind: 'text', attachments, text, context };
  if (foreign.length > 0) return { kind: foreign[0].kind, attachments, ...(foreign[0].text ? { text: foreign[0].text } : {}), context };
  return { kind: 'unsupported', attachments, context };
}

/** Context of the message: every foreign kind's parts (the first one's `vkKind` wins), videos' pages, forwards, ref. */
function contextOf(m: VkMessage, files: MediaPart[], foreign: ForeignKind[]): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const f of [...foreign].reverse()) Object.assign(context, f.context);
  const videos = files.filter((f) => f.extra).map((f) => f.extra);
  if (videos.length > 0) context.videos = videos;
  const forwarded = (Array.isArray(m.fwd_messages) ? m.fwd_messages : []).filter(isObject).slice(0, 50).map(forwardedOf);
  if (forwarded.length > 0) context.forwarded = forwarded;
  if (str(m.ref)) context.ref = m.ref!.slice(0, SHORT);
  if (str(m.ref_source)) context.refSource = m.ref_source!.slice(0, SHORT);
  if (str(m.payload)) context.payload = m.payload!.slice(0, SHORT);
  return context;
}

function forwardedOf(f: VkMessage): Record<string, unknown> {
  const text = str(f.text)?.slice(0, SHORT);
  const types = (Array.isArray(f.attachments) ? f.attachments : []).flatMap((a) => (isObject(a) && str(a.type) ? [a.type!.slice(0, 64)] : []));
  return {
    ...(isId(f.from_id) ? { fromId: String(f.from_id) } : {}),
    ...(isUnixTime(f.date) ? { sentAt: unixToIso(f.date) } : {}),
    ...(text ? { text } : {}),
    ...(types.length > 0 ? { attachmentTypes: types } : {}),
  };
}

function locationOf(geo: VkGeo | undefined): InboundLocation | undefined {
  if (!isObject(geo) || !isObject(geo.coordinates)) return undefined;
  const { latitude, longitude } = geo.coordinates;
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) return undefined;
  const place = isObject(geo.place) ? geo.place : undefined;
  const title = str(place?.title)?.slice(0, SHORT);
  const address = [str(place?.address), str(place?.city), str(place?.country)].filter(Boolean).join(', ').slice(0, SHORT);
  return { latitude, longitude, ...(title ? { title } : {}), ...(address ? { address } : {}) };
}
