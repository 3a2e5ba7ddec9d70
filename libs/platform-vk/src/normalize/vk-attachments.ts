import type { AttachmentKind, InboundAttachment } from '@crm/contracts';
import type { ForeignKindParts } from '@crm/connector-kit';
import type { VkAttachment, VkDoc, VkImage, VkPhotoSize } from '../callback/vk-callback.types';
import { isId, isObject, SHORT, str } from './vk-values';

/** A VK attachment the CRM shows as a file. `platformFileId` is VK's direct URL when VK gives one. */
export interface MediaPart {
  part: 'media';
  attachment: InboundAttachment;
  /** Extras of the file a URL cannot tell (a video's title and page). */
  extra?: Record<string, unknown>;
}

/**
 * A VK attachment of a kind outside DESIGN §6 (a shared link, wall post, product, poll…): its readable parts, mapped
 * to text or unsupported by the kit's foreignKind table.
 */
export interface ForeignPart {
  part: 'foreign';
  platformKind: string;
  parts: ForeignKindParts;
}

export type AttachmentPart = MediaPart | ForeignPart;

type Mapper = (a: VkAttachment) => AttachmentPart | undefined;

/** VK size letters from small to large (photos of old uploads carry no width/height, only the letter). */
const SIZE_ORDER = ['s', 'm', 'x', 'o', 'p', 'q', 'r', 'y', 'z', 'w'];

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
  csv: 'text/csv',
  rtf: 'application/rtf',
  zip: 'application/zip',
  rar: 'application/vnd.rar',
  '7z': 'application/x-7z-compressed',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
};

const MAPPERS: Readonly<Record<string, Mapper>> = {
  photo: ({ photo: p }) => {
    const sizes = isObject(p) && Array.isArray(p.sizes) ? p.sizes.filter((s) => isObject(s) && isUrl(s.url)) : [];
    if (sizes.length === 0) return undefined;
    const largest = sizes.reduce((best, s) => (compareSizes(s, best) >= 0 ? s : best));
    return media('image', largest.url!, { mimeType: 'image/jpeg', fileName: `photo${vkId(p!)}.jpg` });
  },
  doc: ({ doc: d }) => {
    if (!isObject(d) || !isUrl(d.url)) return undefined;
    const ext = str(d.ext)?.toLowerCase();
    return media('document', d.url, {
      ...(ext && MIME_BY_EXT[ext] ? { mimeType: MIME_BY_EXT[ext] } : {}),
      fileName: docName(d, ext),
      ...(isSize(d.size) ? { size: d.size } : {}),
    });
  },
  audio_message: ({ audio_message: v }) => {
    if (!isObject(v)) return undefined;
    const [url, mimeType, ext] = isUrl(v.link_ogg) ? [v.link_ogg, 'audio/ogg', 'ogg'] : isUrl(v.link_mp3) ? [v.link_mp3, 'audio/mpeg', 'mp3'] : [];
    if (!url) return undefined;
    return media('voice', url, { mimeType, fileName: `voice${vkId(v)}.${ext}` }, isId(v.duration) ? { duration: v.duration } : undefined);
  },
  video: ({ video: v }) => {
    // VK gives no file URL for a video, only its page: the id is kept, the page goes to the context.
    if (!isObject(v) || !isId(v.id) || !isId(v.owner_id)) return undefined;
    const title = str(v.title)?.slice(0, SHORT);
    const extra = { url: `https://vk.com/video${vkId(v)}`, ...(title ? { title } : {}), ...(isId(v.duration) ? { duration: v.duration } : {}) };
    return media('video', `video${vkId(v)}${str(v.access_key) ? `_${v.access_key}` : ''}`, { mimeType: 'video/mp4', fileName: title ?? `video${vkId(v)}` }, extra);
  },
  audio: ({ audio: a }) => {
    if (!isObject(a) || !isId(a.id) || !isId(a.owner_id)) return undefined;
    const name = [str(a.artist), str(a.title)].filter(Boolean).join(' — ') || `audio${vkId(a)}`;
    return media('audio', isUrl(a.url) ? a.url : `audio${vkId(a)}`, { mimeType: 'audio/mpeg', fileName: `${name.slice(0, SHORT - 4)}.mp3` });
  },
  sticker: ({ sticker: s }) => {
    const images = isObject(s) ? [...(Array.isArray(s.images) ? s.images : []), ...(Array.isArray(s.images_with_background) ? s.images_with_background : [])] : [];
    const usable = images.filter((i): i is VkImage & { url: string } => isObject(i) && isUrl(i.url));
    if (usable.length === 0) return undefined;
    const largest = usable.reduce((best, i) => (area(i) > area(best) ? i : best));
    return media('sticker', largest.url, { mimeType: 'image/png', fileName: `sticker-${isId(s!.sticker_id) ? s!.sticker_id : 'vk'}.png` });
  },
  graffiti: ({ graffiti: g }) => (isObject(g) && isUrl(g.url) ? media('image', g.url, { mimeType: 'image/png', fileName: `graffiti${vkId(g)}.png` }) : undefined),
  link: ({ link: l }) => {
    if (!isObject(l) || !isUrl(l.url)) return undefined;
    return foreign('link', { url: l.url, ...text('title', l.title), details: { ...text('description', l.description), ...text('caption', l.caption) } });
  },
  wall: ({ wall: w }) => {
    const owner = isObject(w) ? (isId(w.owner_id) ? w.owner_id : w.to_id) : undefined;
    if (!isObject(w) || !isId(w.id) || !isId(owner)) return undefined;
    return foreign('wall', { url: `https://vk.com/wall${owner}_${w.id}`, ...text('text', w.text) });
  },
  wall_reply: ({ wall_reply: r }) => {
    const c = r as { id?: number; owner_id?: number; post_id?: number; text?: string } | undefined;
    if (!isObject(c) || !isId(c.id) || !isId(c.owner_id) || !isId(c.post_id)) return undefined;
    return foreign('wall_reply', { url: `https://vk.com/wall${c.owner_id}_${c.post_id}?reply=${c.id}`, ...text('text', c.text) });
  },
  market: ({ market: m }) => {
    if (!isObject(m) || !isId(m.id) || !isId(m.owner_id)) return undefined;
    const price = isObject(m.price) ? str(m.price.text) ?? str(m.price.amount) : undefined;
    return foreign('market', { url: `https://vk.com/product${m.owner_id}_${m.id}`, ...text('title', m.title), ...text('price', price), details: { ...text('description', m.description) } });
  },
  article: ({ article: a }) => {
    const o = a as { title?: string; url?: string } | undefined;
    return isObject(o) && isUrl(o.url) ? foreign('article', { url: o.url, ...text('title', o.title) }) : undefined;
  },
  poll: ({ poll: p }) => foreign('poll', isObject(p) ? text('title', (p as { question?: unknown }).question) : {}),
};

/** One VK attachment → a file, or the readable parts of a kind outside DESIGN §6 (unknown / unusable → no parts). */
export function mapVkAttachment(a: VkAttachment): AttachmentPart {
  const type = (str(a.type) ?? 'unknown').slice(0, 64);
  const mapper = Object.hasOwn(MAPPERS, type) ? MAPPERS[type] : undefined;
  return mapper?.(a) ?? foreign(type, {});
}

function media(kind: AttachmentKind, fileId: string, meta: Omit<InboundAttachment, 'kind' | 'platformFileId'>, extra?: Record<string, unknown>): MediaPart {
  const attachment: InboundAttachment = { kind, platformFileId: fileId, ...meta };
  if (attachment.fileName) attachment.fileName = attachment.fileName.slice(0, SHORT);
  return extra ? { part: 'media', attachment, extra } : { part: 'media', attachment };
}

function foreign(platformKind: string, parts: ForeignKindParts): ForeignPart {
  const details = parts.details && Object.keys(parts.details).length > 0 ? parts.details : undefined;
  const { details: _d, ...rest } = parts;
  return { part: 'foreign', platformKind, parts: details ? { ...rest, details } : rest };
}

function text(key: string, value: unknown): Record<string, string> {
  const s = str(value);
  return s ? { [key]: s.slice(0, SHORT) } : {};
}

function docName(d: VkDoc, ext: string | undefined): string {
  const title = str(d.title) ?? `doc${vkId(d)}`;
  return ext && !title.toLowerCase().endsWith(`.${ext}`) ? `${title}.${ext}` : title;
}

/** `<owner_id>_<id>`, the way VK names an object in attachment strings. */
function vkId(o: { owner_id?: number; id?: number }): string {
  return `${o.owner_id ?? 0}_${o.id ?? 0}`;
}

function area(s: { width?: number; height?: number }): number {
  return (isId(s.width) ? s.width : 0) * (isId(s.height) ? s.height : 0);
}

/** Larger area wins; on equal (or unknown, 0) areas the later size letter. */
function compareSizes(a: VkPhotoSize, b: VkPhotoSize): number {
  return area(a) - area(b) || SIZE_ORDER.indexOf(str(a.type) ?? '') - SIZE_ORDER.indexOf(str(b.type) ?? '');
}

function isUrl(v: unknown): v is string {
  return typeof v === 'string' && v.length <= SHORT && /^https?:\/\//i.test(v);
}

function isSize(v: unknown): v is number {
  return isId(v) && v >= 0;
}
