import { messageMarker, type ClientSnapshot, type LeadSnapshot, type MessageSnapshot, type SyncChannel } from '@crm/crm-port';
import type { QueryValue } from './bitrix24-query';

/** `ORIGINATOR_ID` of everything we create: with `ORIGIN_ID` = our id, a retry finds it instead of adding a second. */
export const ORIGINATOR_ID = 'crm-channels';

/** Bitrix24's IM multifield types for our channel types (PLATFORMS.md §5: no WhatsApp/Avito value is documented). */
const IM_TYPES: Record<string, string> = { telegram: 'TELEGRAM', vk: 'VK' };

const CHANNEL_TYPE_NAMES: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', vk: 'ВКонтакте', avito: 'Avito', widget: 'Чат на сайте' };

export function channelLabel(channel: SyncChannel): string {
  return `${CHANNEL_TYPE_NAMES[channel.type] ?? channel.type} «${channel.name}»`;
}

function imValue(identity: NonNullable<ClientSnapshot['identity']>): string {
  if (identity.username) return identity.channelType === 'telegram' ? `@${identity.username}` : identity.username;
  return identity.channelType === 'vk' ? `id${identity.externalUserId}` : identity.externalUserId;
}

/** `crm.contact.add` fields: NAME, PHONE, IM (where Bitrix24 has the channel's type), our id. */
export function contactFields(client: ClientSnapshot): Record<string, QueryValue> {
  const imType = client.identity ? IM_TYPES[client.identity.channelType] : undefined;
  return {
    NAME: client.name,
    ...(client.phoneE164 ? { PHONE: [{ VALUE: client.phoneE164, VALUE_TYPE: 'MOBILE' }] } : {}),
    ...(imType && client.identity ? { IM: [{ VALUE: imValue(client.identity), VALUE_TYPE: imType }] } : {}),
    ORIGINATOR_ID,
    ORIGIN_ID: client.id,
  };
}

/** `crm.lead.add` fields: TITLE, CONTACT_ID, SOURCE_DESCRIPTION (the channel), ORIGINATOR_ID + ORIGIN_ID = our lead id. */
export function leadFields(lead: LeadSnapshot, contactId: QueryValue): Record<string, QueryValue> {
  return {
    TITLE: lead.title,
    ...(lead.clientName ? { NAME: lead.clientName } : {}),
    ...(contactId !== null && contactId !== undefined ? { CONTACT_ID: contactId } : {}),
    SOURCE_DESCRIPTION: channelLabel(lead.channel),
    ORIGINATOR_ID,
    ORIGIN_ID: lead.id,
  };
}

const KIND_NAMES: Record<string, string> = {
  image: 'изображение',
  video: 'видео',
  audio: 'аудио',
  voice: 'голосовое сообщение',
  document: 'файл',
  sticker: 'стикер',
  location: 'геопозиция',
  contact: 'контакт',
  unsupported: 'неподдерживаемое сообщение',
};

/**
 * The timeline comment of one message: direction and channel, the text (or what was sent instead), and the marker
 * with our message id that lets a retry find the comment.
 */
export function commentText(message: MessageSnapshot): string {
  const header = `${message.direction === 'in' ? 'Входящее сообщение' : 'Исходящее сообщение'} · ${channelLabel(message.channel)} · ${message.sentAt.toISOString()}`;
  const lines = [header];
  if (message.deleted) {
    lines.push('(сообщение удалено)');
  } else {
    if (message.text) lines.push(message.text);
    for (const a of message.attachments) lines.push(`[${KIND_NAMES[a.kind] ?? a.kind}${a.fileName ? `: ${a.fileName}` : ''}]`);
    if (!message.text && message.attachments.length === 0) lines.push(`[${KIND_NAMES[message.kind] ?? message.kind}]`);
  }
  lines.push(messageMarker(message.id));
  return lines.join('\n');
}
