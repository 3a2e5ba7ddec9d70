// @crm/platform-telegram — Telegram as a channel type (settings, getMe verification) and the Bot API client the
// connector reuses (bot-api/). Later: webhook/, normalize/.
export { botIdOf, TELEGRAM_BOT_TOKEN_PATTERN } from './bot-api/bot-token';
export {
  checkBotToken,
  classifyTelegramError,
  createBotApi,
  type BotTokenCheck,
  type TelegramBotApiOptions,
  type TelegramFailure,
} from './bot-api/telegram-bot-api';
export { TELEGRAM_DESCRIPTOR, TelegramChannelTypeAdapter } from './telegram.channel-type';
export { TelegramSettings } from './telegram.settings';
// Connector side (issue 5): webhook registration and secrets, the Update normalizer, outbound sending, the registry.
export { isTelegramUpdate, mergeAlbum, normalizeTelegramUpdate, type NormalizedUpdate, type SkipReason } from './normalize/normalize-update';
export type { TgMessage, TgUpdate } from './normalize/telegram-update';
export { telegramMessageIdOf, telegramMessageKey } from './normalize/message-id';
export { deriveWebhookSecret, secretTokenMatches, TELEGRAM_SECRET_HEADER, TELEGRAM_SECRET_TOKEN_PATTERN } from './webhook/webhook-secret';
export { TELEGRAM_ALLOWED_UPDATES, telegramWebhookUrl } from './webhook/webhook-registration';
export { TelegramWebhookClient, type RegisterWebhookOptions, type TelegramWebhookInfo } from './webhook/telegram-webhook.client';
export { assessHealthCheckFailure, assessWebhookInfo, TelegramHealthCause, type TelegramHealth } from './webhook/webhook-health';
export { planOutboundMessage, splitText, telegramChatId, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT, type SendStep } from './outbound/send-plan';
export { classifySendFailure, TelegramSendError, type SendFailure } from './outbound/send-outcome';
export { TELEGRAM_SEND_LIMITS } from './outbound/rate-limiter';
export { openTelegramFile, TelegramFileError, type TelegramFileStream } from './outbound/telegram-files';
export { resolveTelegramChannel, telegramConnectionKey, type TelegramChannelState } from './registry/telegram-channel-state';
