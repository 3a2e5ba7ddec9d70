import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { TELEGRAM_ALLOWED_UPDATES, type TelegramChannelState, type TgUpdate } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { IngestUpdateUseCase } from '../ingest-update/ingest-update.usecase';
import type { UpdateSource } from './update-source.port';

/** getUpdates long-poll duration (grammY's default is 30 s; Telegram allows up to 50). */
const POLL_SECONDS = 25;

interface Loop {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * TELEGRAM_MODE=polling (development, when PUBLIC_URL cannot receive webhooks): one getUpdates loop per active bot.
 * The webhook is deleted first (Telegram refuses getUpdates while one is set). Updates go through the same ingestion
 * as webhook calls, one at a time in order; the offset only moves past an update once it is stored, so an outage
 * re-reads it instead of losing it.
 */
@Injectable()
export class PollingUpdateSource implements UpdateSource, OnModuleDestroy {
  private readonly loops = new Map<string, Loop>();

  constructor(
    private readonly bots: BotApiCache,
    private readonly ingest: IngestUpdateUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async connect(channel: TelegramChannelState): Promise<void> {
    await this.disconnect(channel);
    await this.bots.for(channel.botToken).deleteWebhook({ drop_pending_updates: false });
    const abort = new AbortController();
    const done = this.run(channel, abort.signal).catch((err: unknown) =>
      this.logger.error({ channelId: channel.channelId, err: { message: (err as Error).message } }, 'long polling stopped'),
    );
    this.loops.set(channel.channelId, { abort, done });
    this.logger.info({ channelId: channel.channelId }, 'long polling started');
  }

  async disconnect(channel: TelegramChannelState): Promise<void> {
    const loop = this.loops.get(channel.channelId);
    if (!loop) return;
    this.loops.delete(channel.channelId);
    loop.abort.abort();
    await loop.done;
  }

  expectedWebhookUrl(): null {
    return null;
  }

  async onModuleDestroy(): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    loops.forEach((l) => l.abort.abort());
    await Promise.all(loops.map((l) => l.done));
  }

  private async run(channel: TelegramChannelState, signal: AbortSignal): Promise<void> {
    const api = this.bots.for(channel.botToken, (POLL_SECONDS + 15) * 1000);
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = (await api.getUpdates({ offset, timeout: POLL_SECONDS, limit: 100, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }, signal as never)) as Array<TgUpdate & { update_id: number }>;
        for (const update of updates) {
          if (signal.aborted) return;
          await this.ingest.execute({ channel, update });
          offset = update.update_id + 1;
        }
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        this.logger.warn({ channelId: channel.channelId, failures, err: { name: (err as Error).name, message: (err as Error).message } }, 'long polling failed; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), signal);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
