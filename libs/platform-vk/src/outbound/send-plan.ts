import type { OutboundMessageData } from '@crm/contracts';
import type { VkSendParams } from '../api/vk-api.client';
import { VK_CHAT_PEER_OFFSET } from '../normalize/normalize-callback';

/** messages.send's limit on `message` (schema: 9000 characters) and on attachments per message (10). */
export const VK_TEXT_LIMIT = 9000;
export const VK_ATTACHMENTS_PER_MESSAGE = 10;

/** A VK attachment id messages.send takes as `attachment`: `<type><owner_id>_<id>[_<access_key>]`. */
const VK_ATTACHMENT_ID = /^(photo|video|audio|doc|wall|market|poll|audio_playlist|story)-?\d+_\d+(_[A-Za-z0-9]+)?$/;

/** One messages.send call of an outbound message, without the random_id (assigned per part from the stored sequence). */
export type SendPart = Omit<VkSendParams, 'groupId' | 'randomId'>;

/** The peer of a private chat (externalChatId = the user's id), or undefined for anything messages.send must not get. */
export function vkPeerId(externalChatId: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(externalChatId)) return undefined;
  const peer = Number(externalChatId);
  return Number.isSafeInteger(peer) && peer < VK_CHAT_PEER_OFFSET ? peer : undefined;
}

/**
 * The messages.send calls that deliver one outbound message, in order. Files VK already knows (platformFileId
 * `photo-1_2`…) ride as `attachment` of the first call, at most 10 per call; files given only by URL are added to the
 * text as links (uploading to VK is not done here). Text over 9000 characters becomes several calls. The reply-to
 * (a numeric VK message id) applies to the first call. Empty when there is nothing to send.
 */
export function planVkSend(message: Pick<OutboundMessageData, 'externalChatId' | 'text' | 'attachments' | 'replyToExternalMessageId'>, peerId: number): SendPart[] {
  const files = message.attachments ?? [];
  const known = files.flatMap((a) => (a.platformFileId && VK_ATTACHMENT_ID.test(a.platformFileId) ? [a.platformFileId] : []));
  const links = files.filter((a) => !(a.platformFileId && VK_ATTACHMENT_ID.test(a.platformFileId)) && a.url).map((a) => (a.fileName ? `${a.fileName}: ${a.url}` : a.url!));
  const text = [message.text ?? '', ...links].filter((t) => t.trim().length > 0).join('\n');
  const texts = text.length > 0 ? splitText(text, VK_TEXT_LIMIT) : [];
  const groups = chunk(known, VK_ATTACHMENTS_PER_MESSAGE);
  const count = Math.max(texts.length, groups.length);
  const replyTo = message.replyToExternalMessageId && /^[1-9]\d{0,15}$/.test(message.replyToExternalMessageId) ? Number(message.replyToExternalMessageId) : undefined;
  const parts: SendPart[] = [];
  for (let i = 0; i < count; i += 1) {
    parts.push({
      peerId,
      ...(texts[i] !== undefined ? { message: texts[i] } : {}),
      ...(groups[i] !== undefined ? { attachment: groups[i].join(',') } : {}),
      ...(i === 0 && replyTo !== undefined ? { replyTo } : {}),
    });
  }
  return parts;
}

/** Splits text into parts of at most `limit` UTF-16 units, preferring a line break, then a space, in the last fifth of a part. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const floor = Math.floor(limit * 0.8);
    let cut = window.lastIndexOf('\n');
    if (cut < floor) cut = window.lastIndexOf(' ');
    if (cut < floor) cut = limit;
    // Never cut a surrogate pair in half.
    if (cut === limit && /[\uD800-\uDBFF]/.test(rest[cut - 1])) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
