import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
import { AvitoApiClient, type AvitoApiOptions } from './api/avito-api.client';
import { checkAvitoCredentials } from './api/avito-credentials';
import { describeAvitoFailure } from './api/avito-failure';
import { AvitoTokenProvider } from './auth/avito-token.provider';
import { InMemoryAvitoTokenStore } from './auth/avito-token.store';
import { AVITO_CLIENT_ID_PATTERN, AVITO_CLIENT_SECRET_PATTERN, AvitoSettings } from './avito.settings';

const MB = 1024 * 1024;

/** Facts from PLATFORMS.md §4 (Messenger API). */
export const AVITO_DESCRIPTOR: ChannelTypeDescriptor = {
  type: 'avito',
  title: { ru: 'Авито', en: 'Avito' },
  settings: [
    {
      name: 'clientId',
      label: { ru: 'Client ID', en: 'Client ID' },
      required: true,
      secret: false,
      kind: 'string',
      format: { ru: 'Client ID из раздела «Для профессионалов» → API', en: 'Client ID from "For professionals" → API' },
      pattern: AVITO_CLIENT_ID_PATTERN.source,
      example: 'k8Hq2uVt0pX3aZ9m',
    },
    {
      name: 'clientSecret',
      label: { ru: 'Client secret', en: 'Client secret' },
      required: true,
      secret: true,
      kind: 'string',
      format: { ru: 'Client secret оттуда же', en: 'Client secret from the same page' },
      pattern: AVITO_CLIENT_SECRET_PATTERN.source,
      example: 'Yx2…',
    },
  ],
  instructionsUrl: 'https://developers.avito.ru/api-catalog/messenger/documentation',
  capabilities: {
    canStartConversation: false,
    replyWindowHours: null,
    maxTextLength: 1000,
    maxUploadBytes: 24 * MB,
    maxDownloadBytes: null,
    canEditSent: false,
    canDeleteSent: true,
    receivesEdits: false,
    receivesDeletes: true,
    deliveryReceipts: false,
    readReceipts: true,
    notes: [
      {
        ru: 'Messenger API доступен только на тарифах Авито Pro «Расширенный» и «Максимальный».',
        en: 'The Messenger API requires the Avito Pro "Extended" or "Maximum" tier.',
      },
      { ru: 'Текст — до 1000 символов; отправлять можно текст и изображения (до 24 МБ).', en: 'Text up to 1000 characters; text and images (up to 24 MB) can be sent.' },
      { ru: 'Отправленное сообщение можно удалить в течение часа.', en: 'A sent message can be deleted within one hour.' },
    ],
  },
};

/**
 * Avito Messenger. Saving checks the credentials live (PLATFORMS.md §4): `/token` (client_credentials), then
 * `accounts/self` (the messenger user_id, kept as `userId`), then one Messenger call so a plan without Messenger access
 * is refused at once (402 → AVITO_PLAN_REQUIRED).
 */
export class AvitoChannelTypeAdapter implements ChannelTypeAdapter<AvitoSettings> {
  readonly type = 'avito' as const;
  /** apps/connector-avito receives and sends this type's messages (issue 13). */
  readonly available = true;
  readonly descriptor = AVITO_DESCRIPTOR;
  readonly settingsClass = AvitoSettings;
  readonly secretKeys = ['clientSecret'] as const;

  /** The api process's own tokens, for read marks (cached per channel identity, renewed on 401). */
  private readonly tokens: AvitoTokenProvider;
  private readonly client: AvitoApiClient;

  constructor(private readonly api: AvitoApiOptions) {
    this.client = new AvitoApiClient(api);
    this.tokens = new AvitoTokenProvider(new InMemoryAvitoTokenStore(), this.client);
  }

  identity(settings: AvitoSettings): string {
    return settings.clientId;
  }

  verifyCredentials(settings: AvitoSettings): Promise<CredentialCheck> {
    return checkAvitoCredentials(settings, this.api);
  }

  /** An agent read the dialog: the whole chat is marked read on Avito (POST …/chats/{chat_id}/read). */
  async markRead(settings: AvitoSettings & { userId?: unknown }, _externalMessageId: string, chat?: { externalChatId: string }): Promise<void> {
    if (!chat || !Number.isSafeInteger(settings.userId)) throw new Error('Avito mark-read needs the chat id and the learned userId');
    const userId = settings.userId as number;
    const key = { channelId: `client:${settings.clientId}`, accountId: '' };
    const result = await this.tokens.withToken(key, settings, (token) => this.client.markRead(token, userId, chat.externalChatId));
    if (!result.ok) throw new Error(`Avito mark-read failed: ${describeAvitoFailure(result.failure)}`);
  }

  generateSecrets(): GeneratedSecrets {
    // Avito signs nothing: the webhook URL itself carries an unguessable secret.
    return { webhookSecret: generateSecret(24), publicKey: null };
  }

  connection(context: ConnectionContext): ConnectionInfo {
    return {
      manual: true,
      values: { webhookUrl: `${context.publicUrl}/webhooks/avito/${context.channelId}/${context.webhookSecret ?? ''}` },
      note: {
        ru: 'Адрес вебхука содержит секрет — не публикуйте его. Avito должен получать ответ 200 за 2 секунды: адрес должен быть доступен из интернета.',
        en: 'The webhook URL contains a secret — do not publish it. Avito expects a 200 within 2 seconds, so the address must be reachable from the internet.',
      },
    };
  }
}
