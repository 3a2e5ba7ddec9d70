import { foreignKind } from '@crm/connector-kit';
import type { AttachmentKind, InboundAttachment, InboundContact, InboundLocation, MessageKind } from '@crm/contracts';
import type { WaMedia, WaMessage } from '../webhook/whatsapp-webhook.types';
import { byteSize, isObject, str } from './values';

/** What a WhatsApp message carries, in the contract's terms; `context` keeps what the kind loses. */
export interface WaContent {
  kind: MessageKind;
  attachments: InboundAttachment[];
  text?: string;
  location?: InboundLocation;
  contact?: InboundContact;
  context?: Record<string, unknown>;
}

const SHORT = 1000;
const TEXT = 100_000;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
};

type Extractor = (m: WaMessage) => WaContent | undefined;

/** One extractor per WhatsApp `type` (the type-named object holds the content). */
const BY_TYPE: Readonly<Record<string, Extractor>> = {
  text: (m) => (typeof m.text?.body === 'string' ? { kind: 'text', attachments: [], text: m.text.body.slice(0, TEXT) } : undefined),
  image: (m) => media(m.image, 'image', 'image'),
  video: (m) => media(m.video, 'video', 'video'),
  document: (m) => media(m.document, 'document', 'document'),
  // Voice notes are `type: audio` with `voice: true`.
  audio: (m) => (m.audio?.voice === true ? media(m.audio, 'voice', 'voice') : media(m.audio, 'audio', 'audio')),
  sticker: (m) => {
    const content = media(m.sticker, 'sticker', 'sticker');
    return content && m.sticker?.animated === true ? { ...content, context: { animated: true } } : content;
  },
  location: (m) => locationContent(m),
  contacts: (m) => contactContent(m),
};

/**
 * Kinds outside DESIGN §6 go through the kit's one table (foreignKind): interactive button / list replies and template
 * quick-reply buttons become text (the title; the id or payload kept in `context.reply`); order, system, unsupported
 * and unknown types are `unsupported` with the WhatsApp type in `context.whatsappKind`.
 */
function foreignContent(m: WaMessage, type: string): WaContent {
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
  const errors = Array.isArray(m.errors) ? m.errors.filter(isObject).map((e) => ({ code: e.code ?? null, title: e.title ?? e.message ?? null })) : [];
  const details: Record<string, unknown> =
    type === 'interactive'
      ? { type: m.interactive?.type ?? null, id: reply?.id ?? null, description: m.interactive?.list_reply?.description }
      : type === 'button'
        ? { payload: m.button?.payload ?? null }
        : errors.length > 0
          ? { errors }
          : {};
  const text = type === 'interactive' ? str(reply?.title) : type === 'button' ? str(m.button?.text) : undefined;
  const mapped = foreignKind('whatsapp', type, { ...(text ? { text: text.slice(0, TEXT) } : {}), details });
  return { kind: mapped.kind, attachments: [], ...(mapped.text !== undefined ? { text: mapped.text } : {}), context: mapped.context };
}

/** The content of a message; a known type whose content is missing (an image without id…) is `unsupported` too. */
export function contentOf(m: WaMessage): WaContent {
  const type = str(m.type) ?? 'unknown';
  const content = Object.prototype.hasOwnProperty.call(BY_TYPE, type) ? BY_TYPE[type](m) : undefined;
  return content ?? foreignContent(m, type);
}

function media(file: WaMedia | undefined, kind: MessageKind, attachmentKind: AttachmentKind): WaContent | undefined {
  if (!isObject(file) || !str(file.id)) return undefined;
  const caption = str(file.caption)?.slice(0, TEXT);
  return { kind, attachments: [attachment(file, attachmentKind)], ...(caption !== undefined ? { text: caption } : {}) };
}

function attachment(file: WaMedia, kind: AttachmentKind): InboundAttachment {
  const mimeType = str(file.mime_type)?.slice(0, 255);
  const extension = mimeType ? EXTENSIONS[mimeType.split(';')[0].trim().toLowerCase()] : undefined;
  const fileName = str(file.filename) ?? `${kind}-${file.id!.slice(-16)}${extension ? `.${extension}` : ''}`;
  const size = byteSize(file.file_size);
  return {
    kind,
    platformFileId: file.id!.slice(0, SHORT),
    ...(mimeType ? { mimeType } : {}),
    fileName: fileName.slice(0, SHORT),
    ...(size !== undefined ? { size } : {}),
  };
}

function locationContent(m: WaMessage): WaContent | undefined {
  const l = m.location;
  if (!isObject(l) || typeof l.latitude !== 'number' || typeof l.longitude !== 'number') return undefined;
  if (!(Math.abs(l.latitude) <= 90 && Math.abs(l.longitude) <= 180)) return undefined;
  const title = str(l.name)?.slice(0, SHORT);
  const address = str(l.address)?.slice(0, SHORT);
  const url = str(l.url);
  return {
    kind: 'location',
    attachments: [],
    location: { latitude: l.latitude, longitude: l.longitude, ...(title ? { title } : {}), ...(address ? { address } : {}) },
    ...(url ? { context: { locationUrl: url.slice(0, SHORT) } } : {}),
  };
}

/** Shared contacts: the first card with a phone is the contact; every card is kept in context. */
function contactContent(m: WaMessage): WaContent | undefined {
  const cards = Array.isArray(m.contacts) ? m.contacts.filter(isObject) : [];
  if (cards.length === 0) return undefined;
  const summary = cards.map((c) => ({
    name: str(c.name?.formatted_name) ?? ([str(c.name?.first_name), str(c.name?.last_name)].filter(Boolean).join(' ') || null),
    phones: (Array.isArray(c.phones) ? c.phones.filter(isObject) : []).map((p) => ({ phone: p.phone ?? null, waId: p.wa_id ?? null, type: p.type ?? null })),
  }));
  const card = cards.find((c) => Array.isArray(c.phones) && c.phones.some((p) => isObject(p) && str(p.phone)));
  if (!card) return { kind: 'unsupported', attachments: [], context: { whatsappKind: 'contacts', contacts: summary } };
  const phone = card.phones!.find((p) => isObject(p) && str(p.phone))!;
  const firstName = str(card.name?.first_name) ?? str(card.name?.formatted_name);
  const lastName = str(card.name?.last_name);
  return {
    kind: 'contact',
    attachments: [],
    contact: {
      phone: phone.phone!.slice(0, 64),
      ...(firstName ? { firstName: firstName.slice(0, SHORT) } : {}),
      ...(lastName ? { lastName: lastName.slice(0, SHORT) } : {}),
      ...(str(phone.wa_id) ? { externalUserId: phone.wa_id!.slice(0, 512) } : {}),
    },
    ...(cards.length > 1 ? { context: { contacts: summary } } : {}),
  };
}
