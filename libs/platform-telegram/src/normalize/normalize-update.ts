import type { AttachmentKind, InboundAttachment, InboundContact, InboundLocation, InboundMessageData, MessageKind } from '@crm/contracts';
import { foreignKind } from '@crm/connector-kit';
import { telegramMessageIdOf, telegramMessageKey } from './message-id';
import type { TgFile, TgMessage, TgUpdate } from './telegram-update';

/** Why an update produced no inbound message (each is acknowledged to Telegram and counted, never retried). */
export type SkipReason =
  /** Neither `message` nor `edited_message`: callback queries, channel posts, member updates, business updates… */
  | 'update-kind'
  /** A group, supergroup or channel: only private chats are conversations with a customer. */
  | 'chat-type'
  /** A message without the ids every message has (chat id, message id, date). */
  | 'malformed-message';

export type NormalizedUpdate =
  | {
      outcome: 'message';
      updateId: number;
      message: InboundMessageData;
      /** Telegram's media_group_id of a new album part: the parts are combined into one message (see mergeAlbum). */
      albumId?: string;
    }
  | { outcome: 'skipped'; updateId: number; reason: SkipReason; detail: string };

interface Content {
  kind: MessageKind;
  attachments: InboundAttachment[];
  text?: string;
  location?: InboundLocation;
  contact?: InboundContact;
  /** The Telegram content type when the contract's kind loses it (animation → video, venue → location…). */
  telegramKind?: string;
}

/** A shape check of a webhook body: an object with an integer update_id. */
export function isTelegramUpdate(body: unknown): body is TgUpdate & { update_id: number } {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Number.isSafeInteger((body as TgUpdate).update_id)
  );
}

/**
 * Telegram `Update` → the normalized inbound message of DESIGN §6, or the reason it is skipped. Pure: no I/O, no
 * clock; the same update always gives the same result (externalMessageId = `<chat id>:<message_id>`, stable, so
 * redeliveries dedupe; message_id alone repeats across chats).
 */
export function normalizeTelegramUpdate(update: TgUpdate & { update_id: number }): NormalizedUpdate {
  const updateId = update.update_id;
  const edited = update.edited_message !== undefined && update.message === undefined;
  const message = update.message ?? update.edited_message;
  if (!isObject(message)) {
    const kind = Object.keys(update).find((k) => k !== 'update_id') ?? 'empty';
    return { outcome: 'skipped', updateId, reason: 'update-kind', detail: kind };
  }
  const chat = message.chat;
  if (!isObject(chat) || !isId(chat.id) || !isId(message.message_id) || !isUnixTime(message.date)) {
    return { outcome: 'skipped', updateId, reason: 'malformed-message', detail: 'chat.id, message_id or date missing' };
  }
  if (chat.type !== 'private') {
    return { outcome: 'skipped', updateId, reason: 'chat-type', detail: String(chat.type ?? 'unknown') };
  }

  const from = isObject(message.from) && isId(message.from.id) ? message.from : undefined;
  const content = contentOf(message);
  const sharedOwnNumber = content.contact?.externalUserId !== undefined && from !== undefined && content.contact.externalUserId === String(from.id);
  const displayName = joinName(from?.first_name ?? chat.first_name, from?.last_name ?? chat.last_name);
  const username = str(from?.username ?? chat.username)?.slice(0, SHORT);

  const context: Record<string, unknown> = {};
  if (content.telegramKind) context.telegramKind = content.telegramKind;
  const albumId = !edited ? str(message.media_group_id) : undefined;
  if (str(message.media_group_id)) context.mediaGroupId = message.media_group_id;

  const data: InboundMessageData = {
    channelType: 'telegram',
    externalMessageId: telegramMessageKey(chat.id, message.message_id),
    externalChatId: String(chat.id),
    sender: {
      externalUserId: String(from?.id ?? chat.id),
      ...(displayName ? { displayName } : {}),
      ...(username ? { username } : {}),
      // The user's own contact (contact.user_id == from.id): Telegram vouches for the number (DESIGN §7.2).
      ...(sharedOwnNumber ? { phone: content.contact!.phone, phoneVerified: true } : {}),
    },
    kind: content.kind,
    ...(content.text !== undefined ? { text: content.text } : {}),
    attachments: content.attachments,
    ...(content.location ? { location: content.location } : {}),
    ...(content.contact ? { contact: content.contact } : {}),
    ...(isObject(message.reply_to_message) && isId(message.reply_to_message.message_id)
      ? { replyToExternalMessageId: telegramMessageKey(chat.id, message.reply_to_message.message_id) }
      : {}),
    event: edited ? 'edit' : 'new',
    sentAt: unixToIso(edited && isUnixTime(message.edit_date) ? message.edit_date : message.date),
    ...(Object.keys(context).length > 0 ? { context } : {}),
  };
  return albumId ? { outcome: 'message', updateId, message: data, albumId } : { outcome: 'message', updateId, message: data };
}

/**
 * One message from the parts of an album (same media_group_id): every part's attachments in message order, the
 * caption (Telegram puts it on one part), the earliest part's ids. The externalMessageId is the first part's, so a
 * redelivered album dedupes like any message.
 */
export function mergeAlbum(parts: readonly InboundMessageData[]): InboundMessageData {
  if (parts.length === 0) throw new Error('mergeAlbum: no parts');
  const ordered = [...parts].sort((a, b) => telegramMessageIdOf(a.externalMessageId) - telegramMessageIdOf(b.externalMessageId));
  const seen = new Set<string>();
  const unique = ordered.filter((p) => !seen.has(p.externalMessageId) && seen.add(p.externalMessageId));
  const [first] = unique;
  const text = unique.find((p) => p.text !== undefined && p.text !== '')?.text;
  const replyTo = unique.find((p) => p.replyToExternalMessageId !== undefined)?.replyToExternalMessageId;
  const { text: _t, replyToExternalMessageId: _r, ...rest } = first;
  return {
    ...rest,
    ...(text !== undefined ? { text } : {}),
    ...(replyTo !== undefined ? { replyToExternalMessageId: replyTo } : {}),
    attachments: unique.flatMap((p) => p.attachments).slice(0, MAX_ATTACHMENTS),
    context: { ...first.context, albumMessageIds: unique.map((p) => p.externalMessageId) },
  };
}

/** Bounds of the inbound contract (LIMITS of @crm/contracts): whatever Telegram sends, the message stays valid. */
const SHORT = 1000;
const TEXT = 100_000;
const MAX_ATTACHMENTS = 100;

// --- content -----------------------------------------------------------------------------------------------------

type Extractor = (m: TgMessage) => Content | undefined;

/** Checked in order: an animation also carries `document`, a venue also carries `location`. */
const EXTRACTORS: readonly Extractor[] = [
  (m) => {
    const sizes = Array.isArray(m.photo) ? m.photo.filter((p) => isObject(p) && str(p.file_id)) : [];
    if (sizes.length === 0) return undefined;
    // The largest size by pixel area; on a tie the later one (Telegram lists sizes from small to large).
    const largest = sizes.reduce((best, p) => (area(p) >= area(best) ? p : best));
    return media(m, 'image', attachment('image', largest, 'image/jpeg', 'photo', 'jpg'));
  },
  (m) => fileContent(m, m.animation, 'video', 'video', 'video/mp4', 'animation', 'mp4', 'animation'),
  (m) => fileContent(m, m.document, 'document', 'document', undefined, 'document', undefined),
  (m) => fileContent(m, m.video_note, 'video', 'video', 'video/mp4', 'video-note', 'mp4', 'video_note'),
  (m) => fileContent(m, m.video, 'video', 'video', 'video/mp4', 'video', 'mp4'),
  (m) => fileContent(m, m.voice, 'voice', 'voice', 'audio/ogg', 'voice', 'ogg'),
  (m) => fileContent(m, m.audio, 'audio', 'audio', 'audio/mpeg', 'audio', 'mp3'),
  (m) => {
    const s = m.sticker;
    if (!isObject(s) || !str(s.file_id)) return undefined;
    const [mime, ext] = s.is_animated ? ['application/x-tgsticker', 'tgs'] : s.is_video ? ['video/webm', 'webm'] : ['image/webp', 'webp'];
    const content = media(m, 'sticker', attachment('sticker', s, mime, 'sticker', ext));
    // A sticker has no caption; its emoji is what a reader would see in a notification.
    return str(s.emoji) ? { ...content, text: s.emoji } : content;
  },
  (m) => {
    const v = m.venue;
    const location = isObject(v) ? locationOf(v.location) : undefined;
    if (!location) return undefined;
    const title = str(v!.title)?.slice(0, SHORT);
    const address = str(v!.address)?.slice(0, SHORT);
    return {
      kind: 'location',
      attachments: [],
      location: { ...location, ...(title ? { title } : {}), ...(address ? { address } : {}) },
      telegramKind: 'venue',
    };
  },
  (m) => {
    const location = locationOf(m.location);
    return location ? { kind: 'location', attachments: [], location } : undefined;
  },
  (m) => {
    const c = m.contact;
    if (!isObject(c) || !str(c.phone_number)) return undefined;
    const firstName = str(c.first_name);
    const lastName = str(c.last_name);
    return {
      kind: 'contact',
      attachments: [],
      contact: {
        phone: c.phone_number!.slice(0, 64),
        ...(firstName ? { firstName: firstName.slice(0, SHORT) } : {}),
        ...(lastName ? { lastName: lastName.slice(0, SHORT) } : {}),
        ...(isId(c.user_id) ? { externalUserId: String(c.user_id) } : {}),
      },
    };
  },
  (m) => (typeof m.text === 'string' ? { kind: 'text', attachments: [], text: m.text.slice(0, TEXT) } : undefined),
];

/** Content keys of messages the CRM cannot show (polls, dice, games, stories, paid media, service messages…). */
const IGNORED_KEYS = new Set(['message_id', 'message_thread_id', 'from', 'sender_chat', 'date', 'edit_date', 'chat', 'reply_to_message', 'media_group_id', 'entities', 'caption_entities', 'forward_origin', 'is_topic_message', 'is_automatic_forward', 'has_protected_content', 'author_signature', 'link_preview_options', 'reply_markup', 'via_bot', 'quote', 'external_reply', 'has_media_spoiler', 'show_caption_above_media', 'caption']);

function contentOf(m: TgMessage): Content {
  for (const extract of EXTRACTORS) {
    const content = extract(m);
    if (content) return content;
  }
  // A kind outside DESIGN §6 (poll, dice, game, story…): the kit's one table decides (text or unsupported + context).
  const telegramKind = Object.keys(m).find((k) => !IGNORED_KEYS.has(k)) ?? 'empty';
  const foreign = foreignKind('telegram', telegramKind, { text: str(m.caption)?.slice(0, TEXT) });
  return { kind: foreign.kind, attachments: [], ...(foreign.text !== undefined ? { text: foreign.text } : {}), telegramKind };
}

function fileContent(
  m: TgMessage,
  file: TgFile | undefined,
  kind: MessageKind,
  attachmentKind: AttachmentKind,
  defaultMime: string | undefined,
  namePrefix: string,
  extension: string | undefined,
  telegramKind?: string,
): Content | undefined {
  if (!isObject(file) || !str(file.file_id)) return undefined;
  const content = media(m, kind, attachment(attachmentKind, file, defaultMime, namePrefix, extension));
  return telegramKind ? { ...content, telegramKind } : content;
}

function media(m: TgMessage, kind: MessageKind, file: InboundAttachment): Content {
  const caption = typeof m.caption === 'string' ? m.caption.slice(0, TEXT) : undefined;
  return { kind, attachments: [file], ...(caption !== undefined ? { text: caption } : {}) };
}

function attachment(kind: AttachmentKind, file: TgFile, defaultMime: string | undefined, namePrefix: string, extension: string | undefined): InboundAttachment {
  const mimeType = str(file.mime_type) ?? defaultMime;
  const fileName = str(file.file_name) ?? `${namePrefix}-${file.file_unique_id ?? file.file_id!.slice(-16)}${extension ? `.${extension}` : ''}`;
  return {
    kind,
    platformFileId: file.file_id!.slice(0, SHORT),
    ...(mimeType ? { mimeType: mimeType.slice(0, 255) } : {}),
    fileName: fileName.slice(0, SHORT),
    ...(Number.isSafeInteger(file.file_size) && file.file_size! >= 0 ? { size: file.file_size } : {}),
  };
}

function locationOf(l: unknown): InboundLocation | undefined {
  if (!isObject(l)) return undefined;
  const { latitude, longitude } = l as { latitude?: unknown; longitude?: unknown };
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) return undefined;
  return { latitude, longitude };
}

// --- helpers -----------------------------------------------------------------------------------------------------

function area(p: { width?: number; height?: number }): number {
  return (p.width ?? 0) * (p.height ?? 0);
}

function isObject<T>(v: T | undefined | null): v is T & object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function joinName(first: unknown, last: unknown): string | undefined {
  const name = [str(first), str(last)].filter(Boolean).join(' ').trim();
  return name ? name.slice(0, SHORT) : undefined;
}

/** A unix time (seconds) a Date can hold. */
function isUnixTime(v: unknown): v is number {
  return isId(v) && v >= 0 && v <= 8_640_000_000_000;
}

function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
