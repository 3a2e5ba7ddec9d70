import { foreignKind } from '@crm/connector-kit';
import type { InboundAttachment, InboundLocation, InboundMessageData, MessageKind } from '@crm/contracts';
import type { AvitoMessageContent, AvitoWebhookBody, AvitoWebhookMessage } from '../api/avito-api.types';

/** Why a webhook delivery produced no inbound message (each is answered 200 and counted, never retried). */
export type AvitoSkipReason =
  /** `payload.type` is not "message". */
  | 'payload-type'
  /** A message without the ids every message has (id, chat_id, user_id, author_id, created). */
  | 'malformed-message'
  /** `author_id == user_id`: our own outgoing message echoed back (DESIGN §5). */
  | 'echo'
  /** `type: "system"` (Avito's and chat-bot service messages). */
  | 'system';

/** Facts of the delivery the connector needs besides the message (chat info lookup, metrics). */
export interface AvitoWebhookMeta {
  /** The account the webhook is registered for (user_id of messenger paths). */
  userId: number;
  chatId: string;
  /** `u2i` (a chat about a listing), `u2u`, `a2u`… */
  chatType: string;
  /** The listing of a u2i chat, when the webhook names it. */
  itemId?: number;
  avitoType: string;
}

export type NormalizedAvitoWebhook =
  | { outcome: 'message'; message: InboundMessageData; meta: AvitoWebhookMeta }
  | { outcome: 'skipped'; reason: AvitoSkipReason; detail: string };

interface Content {
  kind: MessageKind;
  text?: string;
  attachments: InboundAttachment[];
  location?: InboundLocation;
  context?: Record<string, unknown>;
}

/** Bounds of the inbound contract (LIMITS of @crm/contracts). */
const SHORT = 1000;
const TEXT = 100_000;

/** Text of a missed-call message (the CRM's UI is Russian first; `context.call` carries the facts). */
export const MISSED_CALL_TEXT = 'Пропущенный звонок';
const CALL_TEXT = 'Звонок';

/** A shape check of a webhook body: an object whose payload is an object. */
export function isAvitoWebhook(body: unknown): body is AvitoWebhookBody & { payload: object } {
  return isObject(body) && isObject((body as AvitoWebhookBody).payload);
}

/**
 * An Avito webhook delivery (v3) → the normalized inbound message of DESIGN §6, or why it is skipped. Pure: the same
 * body gives the same result; externalMessageId = `payload.value.id` (stable across redeliveries, so they dedupe; a
 * `deleted` message keeps the id of the message it deletes). The listing of a u2i chat is not in the webhook: the
 * connector adds it with `withListing`.
 */
export function normalizeAvitoWebhook(body: AvitoWebhookBody & { payload: object }): NormalizedAvitoWebhook {
  const payloadType = body.payload.type;
  if (payloadType !== 'message') return { outcome: 'skipped', reason: 'payload-type', detail: String(payloadType ?? 'none') };
  const value = body.payload.value;
  if (!isObject(value)) return { outcome: 'skipped', reason: 'malformed-message', detail: 'payload.value missing' };
  const ids = idsOf(value);
  if (!ids) return { outcome: 'skipped', reason: 'malformed-message', detail: 'id, chat_id, user_id, author_id or created missing' };
  const avitoType = typeof value.type === 'string' ? value.type : 'unknown';
  if (ids.authorId === ids.userId) return { outcome: 'skipped', reason: 'echo', detail: avitoType };
  if (avitoType === 'system') return { outcome: 'skipped', reason: 'system', detail: str(value.content?.flow_id) ?? 'system' };

  const chatType = str(value.chat_type) ?? 'unknown';
  const itemId = Number.isSafeInteger(value.item_id) ? (value.item_id as number) : undefined;
  const deleted = avitoType === 'deleted';
  const content: Content = deleted ? { kind: 'text', attachments: [] } : contentOf(avitoType, isObject(value.content) ? value.content : {}, ids.id);
  const message: InboundMessageData = {
    channelType: 'avito',
    externalMessageId: ids.id,
    externalChatId: ids.chatId,
    sender: { externalUserId: String(ids.authorId) },
    kind: content.kind,
    ...(content.text !== undefined ? { text: content.text } : {}),
    attachments: content.attachments,
    ...(content.location ? { location: content.location } : {}),
    event: deleted ? 'delete' : 'new',
    sentAt: new Date(ids.created * 1000).toISOString(),
    context: { avito: { type: avitoType, chatType, ...(itemId !== undefined ? { itemId } : {}) }, ...content.context },
  };
  return { outcome: 'message', message, meta: { userId: ids.userId, chatId: ids.chatId, chatType, avitoType, ...(itemId !== undefined ? { itemId } : {}) } };
}

interface Ids {
  id: string;
  chatId: string;
  userId: number;
  authorId: number;
  created: number;
}

function idsOf(v: AvitoWebhookMessage): Ids | undefined {
  const id = str(v.id);
  const chatId = str(v.chat_id);
  const created = isUnixTime(v.created) ? v.created : unixOfRfc3339(v.published_at);
  if (!id || !chatId || !isInt(v.user_id) || !isInt(v.author_id) || created === undefined) return undefined;
  if (id.length > 512 || chatId.length > 512) return undefined;
  return { id, chatId, userId: v.user_id, authorId: v.author_id, created };
}

// --- content ------------------------------------------------------------------------------------------------------

type Extractor = (c: AvitoMessageContent, messageId: string) => Content | undefined;

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  text: (c) => (typeof c.text === 'string' ? { kind: 'text', text: c.text.slice(0, TEXT), attachments: [] } : undefined),
  image: (c, messageId) => {
    const url = largestImage(c.image?.sizes);
    if (!url) return undefined;
    return { kind: 'image', attachments: [{ kind: 'image', platformFileId: url.slice(0, SHORT), mimeType: 'image/jpeg', fileName: `image-${messageId}.jpg`.slice(0, SHORT) }] };
  },
  voice: (c, messageId) => {
    const voiceId = str(c.voice?.voice_id);
    if (!voiceId) return undefined;
    // The file URL comes from getVoiceFiles when an agent opens it (it is valid for 1 h): keep the voice id.
    return { kind: 'voice', attachments: [{ kind: 'voice', platformFileId: voiceId.slice(0, SHORT), mimeType: 'audio/mp4', fileName: `voice-${messageId}.m4a`.slice(0, SHORT) }] };
  },
  item: (c) => {
    const item = c.item;
    if (!isObject(item)) return undefined;
    return foreign('item', { title: str(item.title), url: str(item.item_url), price: str(item.price_string), details: compact({ imageUrl: str(item.image_url) }) });
  },
  link: (c) => {
    const url = str(c.link?.url);
    if (!url) return undefined;
    const preview = isObject(c.link?.preview) ? { preview: c.link!.preview } : {};
    return foreign('link', { text: str(c.link?.text) ?? str(c.text), url, details: preview });
  },
  location: (c) => {
    const l = c.location;
    if (!isObject(l) || typeof l.lat !== 'number' || typeof l.lon !== 'number' || !(Math.abs(l.lat) <= 90 && Math.abs(l.lon) <= 180)) return undefined;
    const title = str(l.title)?.slice(0, SHORT);
    const address = str(l.text)?.slice(0, SHORT);
    return { kind: 'location', attachments: [], location: { latitude: l.lat, longitude: l.lon, ...(title ? { title } : {}), ...(address ? { address } : {}) } };
  },
  call: (c) => {
    const call = isObject(c.call) ? c.call : {};
    const status = str(call.status) ?? 'missed';
    const details = compact({ status, targetUserId: isInt(call.target_user_id) ? String(call.target_user_id) : undefined });
    // A missed call is shown as a message: the kit's table keeps it `unsupported`, with the text a reader sees.
    return foreign('call', { text: status === 'missed' ? MISSED_CALL_TEXT : `${CALL_TEXT} (${status.slice(0, 100)})`, details });
  },
};

/** image, voice… without the content they need, and appCall/file/video (empty content): the kit's table decides. */
function contentOf(avitoType: string, content: AvitoMessageContent, messageId: string): Content {
  const extracted = Object.hasOwn(EXTRACTORS, avitoType) ? EXTRACTORS[avitoType](content, messageId) : undefined;
  return extracted ?? foreign(avitoType, { text: str(content.text) });
}

/** A kind outside DESIGN §6 through the kit's one table of foreign kinds (libs/connector-kit foreign-kinds.ts). */
function foreign(avitoType: string, parts: Parameters<typeof foreignKind>[2]): Content {
  const mapped = foreignKind('avito', avitoType, parts);
  return { kind: mapped.kind, attachments: [], ...(mapped.text !== undefined ? { text: mapped.text } : {}), context: mapped.context };
}

/** The URL of the largest image size (`"1280x960"` keys, by pixel area; unparsable keys count as 0). */
function largestImage(sizes: Record<string, string> | undefined): string | undefined {
  if (!isObject(sizes)) return undefined;
  let best: { url: string; area: number } | undefined;
  for (const [key, url] of Object.entries(sizes)) {
    if (!str(url)) continue;
    const m = /^(\d+)x(\d+)$/.exec(key);
    const area = m ? Number(m[1]) * Number(m[2]) : 0;
    if (!best || area > best.area) best = { url, area };
  }
  return best?.url;
}

// --- helpers ------------------------------------------------------------------------------------------------------

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isObject<T>(v: T | undefined | null): v is T & object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function isUnixTime(v: unknown): v is number {
  return isInt(v) && v >= 0 && v <= 8_640_000_000_000;
}

function unixOfRfc3339(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
