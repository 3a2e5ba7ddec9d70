// Sample contract values for this library's unit tests (not exported from the barrel).
import type { ChannelConfigData } from './payloads/channel-config';
import type { ChannelHealthData } from './payloads/channel-health';
import type { CrmEventData } from './payloads/crm-event';
import type { InboundMessageData } from './payloads/inbound-message';
import type { MessageStatusData } from './payloads/message-status';
import type { OutboundMessageData } from './payloads/outbound-message';

export const ACCOUNT_ID = '0b7c6a52-6f5e-4f3e-9d1a-2b8c4e6f7a10';
export const CHANNEL_ID = '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f';
export const DIALOG_ID = '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e';
export const MESSAGE_ID = 'c9bf9e57-1685-4c89-bafb-ff5af830be8a';
export const CLIENT_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
export const LEAD_ID = '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b';

export function inboundText(): InboundMessageData {
  return {
    channelType: 'telegram',
    externalMessageId: '1042',
    externalChatId: '123456789',
    sender: { externalUserId: '123456789', displayName: 'Иван Петров', username: 'ivan_p' },
    kind: 'text',
    text: 'Здравствуйте! Сколько стоит доставка?',
    attachments: [],
    event: 'new',
    sentAt: '2026-03-01T10:15:30.000Z',
  };
}

export function inboundFull(): InboundMessageData {
  return {
    channelType: 'avito',
    externalMessageId: 'msg-77',
    externalChatId: 'u2i-abc~def',
    sender: { externalUserId: '94235311', displayName: 'Мария', phone: '+79001234567' },
    kind: 'image',
    text: 'вот фото',
    attachments: [
      { kind: 'image', platformFileId: 'img-1', mimeType: 'image/jpeg', fileName: 'a.jpg', size: 2048 },
      { kind: 'document', platformFileId: 'doc-9' },
    ],
    location: { latitude: 55.7558, longitude: 37.6173, title: 'Офис', address: 'Москва' },
    contact: { phone: '+79007654321', firstName: 'Пётр', lastName: 'Сидоров', externalUserId: '42' },
    replyToExternalMessageId: 'msg-76',
    event: 'edit',
    sentAt: '2026-03-01T10:15:30+03:00',
    context: { item: { id: 123, title: 'Велосипед', price: 15000, url: 'https://avito.ru/123' }, anything: [1, 'two'] },
  };
}

export function outbound(): OutboundMessageData {
  return {
    messageId: MESSAGE_ID,
    dialogId: DIALOG_ID,
    channelType: 'telegram',
    externalChatId: '123456789',
    text: 'Доставка бесплатная',
    attachments: [{ kind: 'document', url: 'https://files.example.com/price.pdf', fileName: 'price.pdf' }],
    replyToExternalMessageId: '1042',
  };
}

export function messageStatus(): MessageStatusData {
  return {
    messageId: MESSAGE_ID,
    externalChatId: '123456789',
    externalMessageId: '1043',
    status: 'delivered',
    at: '2026-03-01T10:16:00.000Z',
  };
}

export function channelHealth(): ChannelHealthData {
  return { status: 'needs-reauth', causeCode: 'TELEGRAM_TOKEN_REVOKED', message: 'getMe answered 401', at: '2026-03-01T11:00:00Z' };
}

export function channelConfig(): ChannelConfigData {
  return {
    channelId: CHANNEL_ID,
    accountId: ACCOUNT_ID,
    type: 'vk',
    name: 'VK сообщество',
    status: 'active',
    settings: { groupId: 218000000, nested: { apiVersion: '5.199' } },
    encryptedSecrets: 'v1.qf3C2r0AAAAx.AbCdEf0123456789+/=',
    webhookSecret: 'v1.Zm9vYmFy.c2VjcmV0',
    revision: 3,
    updatedAt: '2026-03-01T09:00:00.000Z',
  };
}

export function crmEvent(): CrmEventData {
  return { kind: 'client.matched', dialogId: DIALOG_ID, clientId: CLIENT_ID, matchRule: 'phone' };
}
