import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
import { VkApiClient, type VkApiOptions } from './api/vk-api.client';
import { checkVkCredentials } from './api/vk-credentials';
import { VK_ACCESS_TOKEN_PATTERN, VK_CONFIRMATION_CODE_PATTERN, VkSettings } from './vk.settings';

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
    {
      name: 'confirmationCode',
      label: { ru: 'Строка подтверждения', en: 'Confirmation string' },
      required: false,
      secret: false,
      kind: 'string',
      format: {
        ru: 'Нужна, только если у ключа нет права «управление сообществом»: строка из настроек Callback API',
        en: 'Only when the token lacks the "community management" right: the string from the Callback API settings',
      },
      pattern: VK_CONFIRMATION_CODE_PATTERN.source,
      example: 'a1b2c3d4',
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

/**
 * VK communities via the Callback API. Saving checks the token live (groups.getById: the token must be the
 * community's) and learns the callback confirmation string (groups.getCallbackConfirmationCode).
 */
export class VkChannelTypeAdapter implements ChannelTypeAdapter<VkSettings> {
  readonly type = 'vk' as const;
  /** connector-vk receives and sends its messages (issue 12). */
  readonly available = true;
  readonly descriptor = VK_DESCRIPTOR;
  readonly settingsClass = VkSettings;
  readonly secretKeys = ['accessToken'] as const;

  constructor(private readonly api: VkApiOptions) {}

  identity(settings: VkSettings): string {
    return String(settings.groupId);
  }

  verifyCredentials(settings: VkSettings): Promise<CredentialCheck> {
    return checkVkCredentials(settings, this.api);
  }

  /** Read receipts: messages.markAsRead of the customer's message (and so of everything before it). */
  async markRead(settings: VkSettings, externalMessageId: string): Promise<void> {
    if (!/^[1-9]\d{0,15}$/.test(externalMessageId)) return;
    const result = await new VkApiClient(this.api).markAsRead(settings.accessToken, { groupId: settings.groupId, messageIds: [Number(externalMessageId)] });
    if (!result.ok) throw new Error(`VK messages.markAsRead: ${result.failure.description}`);
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
          '«Входящее сообщение», «Редактирование сообщения», «Разрешение на получение», «Запрет на получение». Строку подтверждения ' +
          'вставлять не нужно: сервер получает её сам через groups.getCallbackConfirmationCode (нужно право «управление сообществом» ' +
          'у ключа; без него укажите строку в настройках канала).',
        en:
          'In the community: Manage → API usage → Callback API. Paste the address and the secret key, choose API version 5.199 and the ' +
          'events "Incoming message", "Message edited", "Message allowed" and "Message denied". No need to copy the confirmation ' +
          'string: the server fetches it itself with groups.getCallbackConfirmationCode (the token needs the "community management" ' +
          'right; without it, give the string in the channel settings).',
      },
    };
  }
}
