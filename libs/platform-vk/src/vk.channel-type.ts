import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
import { VK_ACCESS_TOKEN_PATTERN, VkSettings } from './vk.settings';

/** Facts from PLATFORMS.md §3 (Callback API, API 5.199). */
export const VK_DESCRIPTOR: ChannelTypeDescriptor = {
  type: 'vk',
  title: { ru: 'ВКонтакте', en: 'VK' },
  settings: [
    {
      name: 'groupId',
      label: { ru: 'ID сообщества', en: 'Community id' },
      required: true,
      secret: false,
      kind: 'integer',
      format: { ru: 'Число из адреса сообщества (club218000000 → 218000000)', en: 'The number in the community address (club218000000 → 218000000)' },
      pattern: '^[1-9]\\d*$',
      example: 218000000,
    },
    {
      name: 'accessToken',
      label: { ru: 'Ключ доступа сообщества', en: 'Community access token' },
      required: true,
      secret: true,
      kind: 'string',
      format: {
        ru: 'Управление → Работа с API → Ключи доступа; права «сообщения сообщества» и «управление сообществом»',
        en: 'Manage → API usage → Access tokens; rights "community messages" and "community management"',
      },
      pattern: VK_ACCESS_TOKEN_PATTERN.source,
      example: 'vk1.a.AbCd…',
    },
  ],
  instructionsUrl: 'https://dev.vk.com/ru/api/callback/getting-started',
  capabilities: {
    canStartConversation: false,
    replyWindowHours: null,
    maxTextLength: 9000,
    maxUploadBytes: null,
    maxDownloadBytes: null,
    canEditSent: true,
    canDeleteSent: true,
    receivesEdits: true,
    receivesDeletes: false,
    deliveryReceipts: false,
    readReceipts: true,
    notes: [
      {
        ru: 'Сообщество может писать только тем, кто сам написал ему или разрешил сообщения (ошибка 901).',
        en: 'A community can only write to users who wrote first or allowed its messages (error 901).',
      },
      { ru: 'Ключ сообщества: до 20 запросов в секунду.', en: 'Community token: up to 20 requests per second.' },
    ],
  },
};

/** VK communities via the Callback API. Format checks today; groups.getById arrives with the connector. */
export class VkChannelTypeAdapter implements ChannelTypeAdapter<VkSettings> {
  readonly type = 'vk' as const;
  readonly descriptor = VK_DESCRIPTOR;
  readonly settingsClass = VkSettings;
  readonly secretKeys = ['accessToken'] as const;

  identity(settings: VkSettings): string {
    return String(settings.groupId);
  }

  async verifyCredentials(): Promise<CredentialCheck> {
    return { outcome: 'valid' };
  }

  generateSecrets(): GeneratedSecrets {
    // VK's "secret key" of a callback server: letters and digits, at most 50.
    return { webhookSecret: generateSecret(24, { alphanumeric: true }), publicKey: null };
  }

  connection(context: ConnectionContext): ConnectionInfo {
    return {
      manual: true,
      values: {
        callbackUrl: `${context.publicUrl}/webhooks/vk/${context.channelId}`,
        secretKey: context.webhookSecret ?? '',
      },
      note: {
        ru:
          'В сообществе: Управление → Работа с API → Callback API. Вставьте адрес и секретный ключ, выберите версию API 5.199 и события ' +
          '«Входящее сообщение», «Редактирование сообщения». Строку подтверждения вставлять не нужно: сервер получает её сам ' +
          'через groups.getCallbackConfirmationCode (нужно право «управление сообществом» у ключа).',
        en:
          'In the community: Manage → API usage → Callback API. Paste the address and the secret key, choose API version 5.199 and the ' +
          'events "Incoming message" and "Message edited". No need to copy the confirmation string: the server fetches it itself ' +
          'with groups.getCallbackConfirmationCode (the token needs the "community management" right).',
      },
    };
  }
}
