import { Inject, Injectable } from '@nestjs/common';
import type { Api } from 'grammy';
import { createBotApi } from '@crm/platform-telegram';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';

/**
 * One grammY `Api` client per bot token against TELEGRAM_API_ROOT (grammY keeps a keep-alive agent per API root, so
 * clients are cheap; caching them just avoids re-creating one per call). Forgotten when a channel goes away.
 */
@Injectable()
export class BotApiCache {
  private readonly clients = new Map<string, Api>();

  constructor(@Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig) {}

  get apiRoot(): string {
    return this.config.TELEGRAM_API_ROOT;
  }

  /** The client of `token`; `timeoutMs` gives a dedicated client (e.g. long polling needs more than the default). */
  for(token: string, timeoutMs?: number): Api {
    const key = timeoutMs ? `${timeoutMs}\u0000${token}` : token;
    let api = this.clients.get(key);
    if (!api) this.clients.set(key, (api = createBotApi(token, { apiRoot: this.config.TELEGRAM_API_ROOT, timeoutMs: timeoutMs ?? 15_000 })));
    return api;
  }

  forget(token: string): void {
    for (const key of this.clients.keys()) if (key === token || key.endsWith(`\u0000${token}`)) this.clients.delete(key);
  }
}
