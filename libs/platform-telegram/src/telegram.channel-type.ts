import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { generateSecret } from '@crm/secrets';
import { botIdOf, TELEGRAM_BOT_TOKEN_PATTERN } from './bot-api/bot-token';
import { checkBotToken, type TelegramBotApiOptions } from './bot-api/telegram-bot-api';
import { TelegramSettings } from './telegram.settings';

const MB = 1024 * 1024;

/** Facts from PLATFORMS.md §1 (Bot API 10.1). */
export const TELEGRAM_DESCRIPTOR: ChannelTypeDescriptor = {
  type: 'telegram',
  title: { ru: 'Telegram', en: 'Telegram' },
  settings: [
    {
      name: 'botToken',
      label: { ru: 'Токен бота', en: 'Bot token' },
      required: true,
      secret: true,
      kind: 'string',
      format: {
        ru: 'Токен от @BotFather: id бота, двоеточие и секретная часть, например 123456789:AAH…',
        en: 'The token from @BotFather: the bot id, a colon and the secret part, e.g. 123456789:AAH…',
      },
      pattern: TELEGRAM_BOT_TOKEN_PATTERN.source,
      example: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
    },
  ],
  instructionsUrl: 'https://core.telegram.org/bots/features#botfather',
  capabilities: {
    canStartConversation: false,
    replyWindowHours: null,
    maxTextLength: 4096,
    maxUploadBytes: 50 * MB,
    maxDownloadBytes: 20 * MB,
    canEditSent: true,
    canDeleteSent: true,
    receivesEdits: true,
    receivesDeletes: false,
    deliveryReceipts: false,
    readReceipts: false,
    notes: [
      { ru: 'Бот может писать только тем, кто сам начал с ним диалог.', en: 'A bot can only write to users who started a chat with it.' },
      {
        ru: 'Лимиты Telegram: около 1 сообщения в секунду в один чат и около 30 в секунду всего.',
        en: 'Telegram limits: about 1 message per second per chat and about 30 per second overall.',
      },
    ],
  },
};

/** Telegram bots: the token is checked live with getMe; the connector registers the webhook itself. */
export class TelegramChannelTypeAdapter implements ChannelTypeAdapter<TelegramSettings> {
  readonly type = 'telegram' as const;
  /** Its connector receives the messages: channels of this type can be created and activated. */
  readonly available = true;
  readonly descriptor = TELEGRAM_DESCRIPTOR;
  readonly settingsClass = TelegramSettings;
  readonly secretKeys = ['botToken'] as const;

  constructor(private readonly api: TelegramBotApiOptions) {}

  identity(settings: TelegramSettings): string {
    return botIdOf(settings.botToken) ?? settings.botToken;
  }

  derivedSettings(settings: TelegramSettings): Record<string, unknown> {
    return { botId: botIdOf(settings.botToken) };
  }

  async verifyCredentials(settings: TelegramSettings): Promise<CredentialCheck> {
    const check = await checkBotToken(settings.botToken, this.api);
    if (check.status === 'rejected') {
      throw new DomainError(ErrorCode.TELEGRAM_TOKEN_INVALID, {}, [
        { path: 'settings.botToken', constraints: [`Telegram answered getMe with ${check.failure.errorCode} ${check.failure.description}`] },
      ]);
    }
    if (check.status === 'unavailable') {
      return { outcome: 'unavailable', detail: `Telegram getMe failed: ${check.failure.errorCode ?? ''} ${check.failure.description}`.replace(/\s+/g, ' ') };
    }
    return { outcome: 'valid', learned: { botUsername: check.bot.username, botName: check.bot.first_name } };
  }

  generateSecrets(): GeneratedSecrets {
    // setWebhook's secret_token: 1–256 characters of A-Z a-z 0-9 _ - (base64url is exactly that alphabet).
    return { webhookSecret: generateSecret(32), publicKey: null };
  }

  connection(): ConnectionInfo {
    return {
      manual: false,
      values: {},
      note: {
        ru: 'Ничего вставлять не нужно: мы сами регистрируем вебхук бота в Telegram.',
        en: 'Nothing to paste: we register the bot webhook with Telegram ourselves.',
      },
    };
  }
}
