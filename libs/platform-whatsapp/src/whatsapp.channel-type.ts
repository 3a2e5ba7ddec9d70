import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
import { WHATSAPP_ACCESS_TOKEN_PATTERN, WHATSAPP_APP_SECRET_PATTERN, WHATSAPP_PHONE_NUMBER_ID_PATTERN, WhatsappSettings } from './whatsapp.settings';

/** Facts from PLATFORMS.md §2 (Cloud API, Graph v25.0). */
export const WHATSAPP_DESCRIPTOR: ChannelTypeDescriptor = {
  type: 'whatsapp',
  title: { ru: 'WhatsApp', en: 'WhatsApp' },
  settings: [
    {
      name: 'phoneNumberId',
      label: { ru: 'Phone number ID', en: 'Phone number ID' },
      required: true,
      secret: false,
      kind: 'string',
      format: { ru: 'Числовой ID номера со страницы WhatsApp → API Setup', en: 'The numeric ID of the number from WhatsApp → API Setup' },
      pattern: WHATSAPP_PHONE_NUMBER_ID_PATTERN.source,
      example: '106540352242922',
    },
    {
      name: 'accessToken',
      label: { ru: 'Постоянный токен доступа', en: 'Permanent access token' },
      required: true,
      secret: true,
      kind: 'string',
      format: { ru: 'Токен системного пользователя Meta с правом whatsapp_business_messaging', en: 'A Meta system-user token with whatsapp_business_messaging' },
      pattern: WHATSAPP_ACCESS_TOKEN_PATTERN.source,
      example: 'EAAG…',
    },
    {
      name: 'appSecret',
      label: { ru: 'Секрет приложения (App Secret)', en: 'App secret' },
      required: true,
      secret: true,
      kind: 'string',
      format: { ru: '32 шестнадцатеричных символа из настроек приложения Meta', en: '32 hex characters from the Meta app settings' },
      pattern: WHATSAPP_APP_SECRET_PATTERN.source,
      example: '0123456789abcdef0123456789abcdef',
    },
  ],
  instructionsUrl: 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started',
  capabilities: {
    // Only with an approved template outside the customer-service window.
    canStartConversation: true,
    replyWindowHours: 24,
    maxTextLength: 4096,
    maxUploadBytes: null,
    maxDownloadBytes: null,
    canEditSent: false,
    canDeleteSent: false,
    receivesEdits: false,
    receivesDeletes: false,
    deliveryReceipts: true,
    readReceipts: true,
    notes: [
      {
        ru: 'Свободные ответы — только в течение 24 часов после последнего сообщения клиента; позже — только одобренные шаблоны (ошибка 131047).',
        en: 'Free-form replies only within 24 hours of the customer\'s last message; after that only approved templates (error 131047).',
      },
      { ru: 'Не чаще 1 сообщения в 6 секунд одному клиенту.', en: 'At most 1 message per 6 seconds to the same customer.' },
    ],
  },
};

/** WhatsApp Business Cloud API. Format checks today; the live Graph API check arrives with the connector. */
export class WhatsappChannelTypeAdapter implements ChannelTypeAdapter<WhatsappSettings> {
  readonly type = 'whatsapp' as const;
  readonly descriptor = WHATSAPP_DESCRIPTOR;
  readonly settingsClass = WhatsappSettings;
  readonly secretKeys = ['accessToken', 'appSecret'] as const;

  identity(settings: WhatsappSettings): string {
    return settings.phoneNumberId;
  }

  async verifyCredentials(): Promise<CredentialCheck> {
    return { outcome: 'valid' };
  }

  generateSecrets(): GeneratedSecrets {
    return { webhookSecret: generateSecret(24), publicKey: null };
  }

  connection(context: ConnectionContext): ConnectionInfo {
    return {
      manual: true,
      values: {
        callbackUrl: `${context.publicUrl}/webhooks/whatsapp/${context.channelId}`,
        verifyToken: context.webhookSecret ?? '',
      },
      note: {
        ru: 'В приложении Meta откройте WhatsApp → Configuration → Webhook, вставьте Callback URL и Verify token и подпишитесь на поле messages.',
        en: 'In the Meta app open WhatsApp → Configuration → Webhook, paste the Callback URL and the Verify token and subscribe to the messages field.',
      },
    };
  }
}
