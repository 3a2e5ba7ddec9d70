import type { Api } from 'grammy';
import { TELEGRAM_ALLOWED_UPDATES } from './webhook-registration';

/** What getWebhookInfo reports (the fields the connector reads; unknown ones are ignored). */
export interface TelegramWebhookInfo {
  url: string;
  pending_update_count?: number;
  last_error_date?: number;
  last_error_message?: string;
  allowed_updates?: string[];
}

export interface RegisterWebhookOptions {
  url: string;
  secretToken: string;
  /** Concurrent HTTPS connections Telegram may open (1–100, Telegram's default 40). */
  maxConnections?: number;
}

/** Webhook registration of one bot (setWebhook / deleteWebhook / getWebhookInfo) through grammY. */
export class TelegramWebhookClient {
  constructor(private readonly api: Api) {}

  /** setWebhook with our URL, the per-channel secret_token and explicit allowed_updates. */
  async register(options: RegisterWebhookOptions): Promise<void> {
    await this.api.setWebhook(options.url, {
      secret_token: options.secretToken,
      allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
      ...(options.maxConnections ? { max_connections: options.maxConnections } : {}),
    });
  }

  /** deleteWebhook, keeping pending updates (a re-activation or long polling still gets them). */
  async remove(): Promise<void> {
    await this.api.deleteWebhook({ drop_pending_updates: false });
  }

  async info(): Promise<TelegramWebhookInfo> {
    return (await this.api.getWebhookInfo()) as TelegramWebhookInfo;
  }
}
