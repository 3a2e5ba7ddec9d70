import { classifyTelegramError } from '../bot-api/telegram-bot-api';

/** Stable error codes of a failed outbound message (MessageStatusData.errorCode). */
export const TelegramSendError = {
  /** 403: the user blocked the bot (or deleted their account / the bot was kicked). */
  BotBlocked: 'TELEGRAM_BOT_BLOCKED',
  /** 400 chat not found: the user never started the bot, or the chat id is wrong. */
  ChatNotFound: 'TELEGRAM_CHAT_NOT_FOUND',
  /** 401/404: Telegram rejects the bot token. */
  TokenInvalid: 'TELEGRAM_TOKEN_INVALID',
  /** Any other 400 (message too long, bad file id…): retrying the same request cannot help. */
  BadRequest: 'TELEGRAM_BAD_REQUEST',
  /** Telegram stayed unreachable for the whole retry window. */
  Unavailable: 'PLATFORM_UNAVAILABLE',
  /** The channel is unknown, deleted or not active in this connector. */
  ChannelInactive: 'CHANNEL_INACTIVE',
} as const;

/** What to do after a failed Bot API send call. */
export type SendFailure =
  /** 429 flood control (also Bot API maintenance): wait this long, then send the same call again. */
  | { action: 'retry-after'; retryAfterMs: number; description: string }
  /** Network error, timeout, 5xx: retry with backoff. */
  | { action: 'retry'; description: string }
  /** Final: report the message failed with this code. */
  | { action: 'fail'; errorCode: string; description: string };

export function classifySendFailure(err: unknown): SendFailure {
  const failure = classifyTelegramError(err);
  const description = `${failure.errorCode ?? ''} ${failure.description}`.replace(/\s+/g, ' ').trim().slice(0, 1000);
  if (failure.errorCode === 429) return { action: 'retry-after', retryAfterMs: Math.max(1, failure.retryAfterSeconds ?? 1) * 1000, description };
  if (failure.kind === 'rejected') return { action: 'fail', errorCode: TelegramSendError.TokenInvalid, description };
  if (failure.kind === 'unavailable') return { action: 'retry', description };
  if (failure.errorCode === 403) return { action: 'fail', errorCode: TelegramSendError.BotBlocked, description };
  if (failure.errorCode === 400 && /chat not found/i.test(failure.description)) return { action: 'fail', errorCode: TelegramSendError.ChatNotFound, description };
  return { action: 'fail', errorCode: TelegramSendError.BadRequest, description };
}
