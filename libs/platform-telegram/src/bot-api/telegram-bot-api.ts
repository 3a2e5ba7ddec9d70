import { Api, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

export interface TelegramBotApiOptions {
  /** TELEGRAM_API_ROOT (https://api.telegram.org, or a local fake in tests); must not end with "/". */
  apiRoot: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** A grammY `Api` client for one bot token against TELEGRAM_API_ROOT. */
export function createBotApi(token: string, options: TelegramBotApiOptions): Api {
  return new Api(token, { apiRoot: options.apiRoot, timeoutSeconds: (options.timeoutMs ?? 10_000) / 1000 });
}

/**
 * How a failed Bot API call should be treated:
 * - `rejected`: Telegram refuses the token (401, or 404 for a malformed one — PLATFORMS.md §1);
 * - `unavailable`: Telegram could not answer (network error, timeout, non-JSON answer, 5xx, 429): try again later;
 * - `failed`: any other error the Bot API reported (400 chat not found, 403 bot blocked…).
 */
export interface TelegramFailure {
  kind: 'rejected' | 'unavailable' | 'failed';
  errorCode?: number;
  description: string;
  retryAfterSeconds?: number;
}

export function classifyTelegramError(err: unknown): TelegramFailure {
  if (err instanceof GrammyError) {
    const retryAfterSeconds = err.parameters?.retry_after;
    const base = { errorCode: err.error_code, description: err.description, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    if (err.error_code === 401 || err.error_code === 404) return { kind: 'rejected', ...base };
    if (err.error_code === 429 || err.error_code >= 500) return { kind: 'unavailable', ...base };
    return { kind: 'failed', ...base };
  }
  if (err instanceof HttpError) return { kind: 'unavailable', description: err.message };
  return { kind: 'unavailable', description: err instanceof Error ? err.message : String(err) };
}

export type BotTokenCheck =
  | { status: 'valid'; bot: UserFromGetMe }
  | { status: 'rejected'; failure: TelegramFailure }
  | { status: 'unavailable'; failure: TelegramFailure };

/** Asks `getMe` whether the token belongs to a bot. Never throws; never puts the token in what it returns. */
export async function checkBotToken(token: string, options: TelegramBotApiOptions): Promise<BotTokenCheck> {
  try {
    const bot = await createBotApi(token, options).getMe();
    return { status: 'valid', bot };
  } catch (err) {
    const failure = classifyTelegramError(err);
    if (failure.kind === 'rejected') return { status: 'rejected', failure };
    // Any other refusal of getMe (it takes no parameters) says nothing about the token: treat it as an outage.
    return { status: 'unavailable', failure };
  }
}
