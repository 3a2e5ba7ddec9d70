import type { AttachmentKind, OutboundAttachment, OutboundMessageData } from '@crm/contracts';

/** WhatsApp limits of one message (PLATFORMS.md §2 / Cloud API docs). */
export const WHATSAPP_TEXT_LIMIT = 4096;
export const WHATSAPP_CAPTION_LIMIT = 1024;

/** One `POST /{phone-number-id}/messages` body. */
export type WhatsappMessageBody = Record<string, unknown> & { messaging_product: 'whatsapp' };

/** Media types WhatsApp accepts in a message, per attachment kind (a voice note goes as audio, a sticker as sticker). */
const MEDIA_TYPE: Readonly<Record<AttachmentKind, 'image' | 'video' | 'audio' | 'document' | 'sticker'>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'audio',
  document: 'document',
  sticker: 'sticker',
};
const CAPTIONED = new Set(['image', 'video', 'document']);

/**
 * The recipient fields of a chat id: a wa_id (digits) goes to `to` as `+<wa_id>` (without `+` Meta would prepend the
 * business number's country code); a business-scoped user id (2026, e.g. `US.1349…`) goes to `recipient`.
 */
export function whatsappRecipient(externalChatId: string): { to: string } | { recipient: string } {
  const digits = externalChatId.replace(/^\+/, '');
  return /^\d{5,20}$/.test(digits) ? { to: `+${digits}` } : { recipient: externalChatId };
}

/**
 * The Graph calls of one outbound message, in order: a template alone; else one call per file (the text as the first
 * captionable file's caption when it fits) and the text (split at 4096 characters) before the files when it does not.
 * The reply context goes on the first call. `callbackData` (our message id) rides along as `biz_opaque_callback_data`,
 * which Meta echoes in every status webhook of the message — so statuses find our message without a lookup.
 */
export function planWhatsappMessage(
  message: Pick<OutboundMessageData, 'externalChatId' | 'text' | 'attachments' | 'replyToExternalMessageId' | 'template'>,
  options: { callbackData?: string } = {},
): WhatsappMessageBody[] {
  const base = {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual',
    ...whatsappRecipient(message.externalChatId),
    ...(options.callbackData ? { biz_opaque_callback_data: options.callbackData.slice(0, 512) } : {}),
  };
  const bodies: Array<Record<string, unknown>> = [];
  if (message.template) {
    const { name, language, components } = message.template;
    bodies.push({ type: 'template', template: { name, language: { code: language }, ...(components && components.length > 0 ? { components } : {}) } });
  } else {
    const files = message.attachments ?? [];
    const text = message.text.trim() === '' ? '' : message.text;
    const captionTarget = text !== '' && text.length <= WHATSAPP_CAPTION_LIMIT ? files.findIndex((f) => CAPTIONED.has(MEDIA_TYPE[f.kind])) : -1;
    if (text !== '' && captionTarget < 0) {
      for (const chunk of splitText(text, WHATSAPP_TEXT_LIMIT)) bodies.push({ type: 'text', text: { body: chunk, preview_url: false } });
    }
    files.forEach((file, i) => bodies.push(mediaBody(file, i === captionTarget ? text : undefined)));
  }
  return bodies.map((body, i) => ({
    ...base,
    ...body,
    ...(i === 0 && message.replyToExternalMessageId ? { context: { message_id: message.replyToExternalMessageId } } : {}),
  }));
}

function mediaBody(file: OutboundAttachment, caption: string | undefined): Record<string, unknown> {
  const type = MEDIA_TYPE[file.kind];
  const media: Record<string, unknown> = file.platformFileId ? { id: file.platformFileId } : { link: file.url };
  if (caption !== undefined) media.caption = caption;
  if (type === 'document' && file.fileName) media.filename = file.fileName;
  return { type, [type]: media };
}

/** Splits text into chunks of at most `limit` UTF-16 units, preferring a line break, then a space. */
export function splitText(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Never split a surrogate pair.
    if (cut === limit && /[\uD800-\uDBFF]/.test(rest[cut - 1])) cut -= 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}
