import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
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

/** Avito Messenger. Format checks today; the token request (client_credentials) arrives with the connector. */
export class AvitoChannelTypeAdapter implements ChannelTypeAdapter<AvitoSettings> {
  readonly type = 'avito' as const;
  readonly descriptor = AVITO_DESCRIPTOR;
  readonly settingsClass = AvitoSettings;
  readonly secretKeys = ['clientSecret'] as const;

  identity(settings: AvitoSettings): string {
    return settings.clientId;
  }

  async verifyCredentials(): Promise<CredentialCheck> {
    return { outcome: 'valid' };
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
