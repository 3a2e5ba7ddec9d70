import type { AttachmentKind, OutboundMessageData } from '@crm/contracts';
import { telegramMessageIdOf } from '../normalize/message-id';

/** sendMessage's limit on `text` and the media methods' limit on `caption` (PLATFORMS.md §1). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** One Bot API call of an outbound message: a text part, or one file (with the text as caption when it fits). */
export interface SendStep {
  method: 'sendMessage' | 'sendPhoto' | 'sendVideo' | 'sendAudio' | 'sendVoice' | 'sendDocument' | 'sendSticker';
  payload: Record<string, unknown>;
}

/** Attachment kind → the Bot API method and the name of its file parameter. */
const MEDIA_METHODS: Readonly<Record<AttachmentKind, { method: SendStep['method']; field: string; caption: boolean }>> = {
  image: { method: 'sendPhoto', field: 'photo', caption: true },
  video: { method: 'sendVideo', field: 'video', caption: true },
  audio: { method: 'sendAudio', field: 'audio', caption: true },
  voice: { method: 'sendVoice', field: 'voice', caption: true },
  document: { method: 'sendDocument', field: 'document', caption: true },
  sticker: { method: 'sendSticker', field: 'sticker', caption: false },
};

/** chat_id as Telegram expects it: the integer for numeric ids (private chats), the string otherwise (@channel). */
export function telegramChatId(externalChatId: string): number | string {
  const n = Number(externalChatId);
  return /^-?\d+$/.test(externalChatId) && Number.isSafeInteger(n) ? n : externalChatId;
}

/**
 * The Bot API calls that deliver one outbound message, in order. Text longer than 4096 characters becomes several
 * sendMessage calls; each attachment is one send<Kind> call (by URL or by a file_id Telegram already knows), the text
 * riding as the first file's caption when it fits. The reply-to applies to the first call only.
 */
export function planOutboundMessage(message: Pick<OutboundMessageData, 'externalChatId' | 'text' | 'attachments' | 'replyToExternalMessageId'>): SendStep[] {
  const chatId = telegramChatId(message.externalChatId);
  const attachments = message.attachments ?? [];
  const text = message.text ?? '';
  const first = attachments[0];
  const captionFits = first !== undefined && MEDIA_METHODS[first.kind].caption && text.length > 0 && text.length <= TELEGRAM_CAPTION_LIMIT;
  const steps: SendStep[] = [];
  if (text.trim().length > 0 && !captionFits) {
    for (const part of splitText(text, TELEGRAM_TEXT_LIMIT)) steps.push({ method: 'sendMessage', payload: { chat_id: chatId, text: part } });
  }
  attachments.forEach((a, i) => {
    const { method, field } = MEDIA_METHODS[a.kind];
    steps.push({
      method,
      payload: { chat_id: chatId, [field]: a.url ?? a.platformFileId, ...(i === 0 && captionFits ? { caption: text } : {}) },
    });
  });
  const replyTo = message.replyToExternalMessageId === undefined ? Number.NaN : telegramMessageIdOf(message.replyToExternalMessageId);
  if (steps.length > 0 && Number.isSafeInteger(replyTo)) {
    steps[0].payload.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };
  }
  return steps;
}

/**
 * Splits text into parts of at most `limit` UTF-16 units, preferring a line break, then a space, in the last fifth of
 * a part; never inside a surrogate pair.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = limit;
    const window = rest.slice(Math.floor(limit * 0.8), limit);
    const newline = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    if (newline >= 0) cut = Math.floor(limit * 0.8) + newline + 1;
    else if (space >= 0) cut = Math.floor(limit * 0.8) + space + 1;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
