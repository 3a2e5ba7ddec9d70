import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets, MessageTemplate } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { generateSecret } from '@crm/secrets';
import { WhatsappGraphClient, type GraphFailure } from './graph-api/graph-client';
import { GraphErrorCode, isPermissionError } from './graph-api/graph-error-codes';
import {
  WHATSAPP_ACCESS_TOKEN_PATTERN,
  WHATSAPP_APP_SECRET_PATTERN,
  WHATSAPP_BUSINESS_ACCOUNT_ID_PATTERN,
  WHATSAPP_PHONE_NUMBER_ID_PATTERN,
  WhatsappSettings,
} from './whatsapp.settings';

/** Where the adapter asks the Graph API (WHATSAPP_GRAPH_URL) and how long it waits. */
export interface WhatsappGraphOptions {
  graphUrl: string;
  timeoutMs?: number;
}

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
    {
      name: 'businessAccountId',
      label: { ru: 'ID бизнес-аккаунта WhatsApp (WABA)', en: 'WhatsApp Business Account ID (WABA)' },
      required: false,
      secret: false,
      kind: 'string',
      format: { ru: 'Числовой ID из WhatsApp → API Setup; нужен для шаблонов сообщений', en: 'The numeric ID from WhatsApp → API Setup; needed for message templates' },
      pattern: WHATSAPP_BUSINESS_ACCOUNT_ID_PATTERN.source,
      example: '102290129340398',
    },
  ],
  instructionsUrl: 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started',
  capabilities: {
    // Writing first needs an approved template, and templates need the optional businessAccountId (WABA).
    canStartConversation: false,
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
      {
        ru: 'Шаблоны (и первое сообщение клиенту) доступны, если в настройках указан businessAccountId.',
        en: 'Templates (and writing first) need businessAccountId in the settings.',
      },
    ],
  },
};

/** WhatsApp Business Cloud API: the phone number id is read with the token (GET /{phone-number-id}) on save. */
export class WhatsappChannelTypeAdapter implements ChannelTypeAdapter<WhatsappSettings> {
  readonly type = 'whatsapp' as const;
  /** apps/connector-whatsapp receives its messages (issue 11): the whole slice is covered by tests/e2e whatsapp-slice. */
  readonly available = true;
  readonly descriptor = WHATSAPP_DESCRIPTOR;
  readonly settingsClass = WhatsappSettings;
  readonly secretKeys = ['accessToken', 'appSecret'] as const;

  constructor(private readonly graph: WhatsappGraphOptions = { graphUrl: 'https://graph.facebook.com' }) {}

  identity(settings: WhatsappSettings): string {
    return settings.phoneNumberId;
  }

  async verifyCredentials(settings: WhatsappSettings): Promise<CredentialCheck> {
    const result = await this.client(settings).getPhoneNumber(settings.phoneNumberId);
    if (result.ok) {
      const { display_phone_number: displayPhoneNumber, verified_name: verifiedName } = result.value;
      return { outcome: 'valid', learned: { ...(displayPhoneNumber ? { displayPhoneNumber } : {}), ...(verifiedName ? { verifiedName } : {}) } };
    }
    const failure = result.failure;
    if (failure.kind === 'rejected' || (failure.kind === 'permanent' && isPermissionError(failure.code))) {
      throw new DomainError(ErrorCode.WHATSAPP_TOKEN_INVALID, {}, [{ path: 'settings.accessToken', constraints: [`Graph API answered ${failure.code} ${failure.message}`] }]);
    }
    if (failure.kind === 'permanent' && (failure.code === GraphErrorCode.InvalidParameter || failure.status === 404)) {
      throw new DomainError(ErrorCode.WHATSAPP_PHONE_NUMBER_NOT_FOUND, {}, [{ path: 'settings.phoneNumberId', constraints: [`Graph API answered ${failure.code} ${failure.message}`] }]);
    }
    return { outcome: 'unavailable', detail: `WhatsApp Graph API check failed: ${describeFailure(failure)}` };
  }

  async listTemplates(settings: WhatsappSettings): Promise<MessageTemplate[]> {
    if (!settings.businessAccountId) throw new DomainError(ErrorCode.WHATSAPP_BUSINESS_ACCOUNT_REQUIRED);
    const result = await this.client(settings).listApprovedTemplates(settings.businessAccountId);
    if (result.ok) {
      return result.value.map((t) => ({ name: t.name, language: t.language, category: t.category ?? null, components: Array.isArray(t.components) ? t.components : [] }));
    }
    const failure = result.failure;
    if (failure.kind === 'rejected') throw new DomainError(ErrorCode.WHATSAPP_TOKEN_INVALID);
    if (failure.kind === 'permanent') {
      throw new DomainError(ErrorCode.WHATSAPP_BUSINESS_ACCOUNT_REQUIRED, {}, [{ path: 'settings.businessAccountId', constraints: [`Graph API answered ${failure.code} ${failure.message}`] }]);
    }
    throw new DomainError(ErrorCode.PLATFORM_UNAVAILABLE, { platform: 'WhatsApp' }, [{ path: 'whatsapp', constraints: [describeFailure(failure)] }]);
  }

  async markRead(settings: WhatsappSettings, externalMessageId: string): Promise<void> {
    const result = await this.client(settings).markRead(settings.phoneNumberId, externalMessageId);
    if (!result.ok) throw new Error(`WhatsApp mark-read failed: ${describeFailure(result.failure)}`);
  }

  private client(settings: WhatsappSettings): WhatsappGraphClient {
    return new WhatsappGraphClient(settings.accessToken, { baseUrl: this.graph.graphUrl, timeoutMs: this.graph.timeoutMs });
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

function describeFailure(failure: GraphFailure): string {
  return (failure.kind === 'unavailable' ? failure.message : `${failure.code} ${failure.message}`).slice(0, 500);
}
