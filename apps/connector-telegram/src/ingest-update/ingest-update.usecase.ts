import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InboundPublisher } from '@crm/connector-kit';
import { isContractViolationError, Topics } from '@crm/contracts';
import { normalizeTelegramUpdate, type TelegramChannelState, type TgUpdate } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { telegramMetrics } from '../metrics/telegram-metrics';
import { AlbumBuffer } from './album-buffer';
import { RecentUpdates } from './recent-updates';

export interface IngestUpdateCommand {
  channel: TelegramChannelState;
  update: TgUpdate & { update_id: number };
  /** Correlation id for the produced record (the webhook request's, when it has one). */
  correlationId?: string;
}

/** What happened to an update; every outcome is acknowledged to Telegram. Failing to store throws InboundNotStoredError. */
export type IngestOutcome = 'accepted' | 'duplicate' | 'skipped';

/**
 * One Telegram update (from the webhook or from long polling) → normalized → durably stored: on Kafka with acks=all,
 * or — an album part — in Postgres until its album is published. Resolves only once that is done.
 */
@Injectable()
export class IngestUpdateUseCase {
  private readonly recent = new RecentUpdates<IngestOutcome>();

  constructor(
    private readonly publisher: InboundPublisher,
    private readonly albums: AlbumBuffer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: IngestUpdateCommand): Promise<IngestOutcome> {
    const key = `${command.channel.channelId}:${command.update.update_id}`;
    if (this.recent.has(key) || this.recent.pending(key)) {
      // Telegram re-sent an update we stored (or are storing): wait for the first delivery's outcome.
      await this.recent.pending(key);
      telegramMetrics.updates.inc({ outcome: 'duplicate', reason: '' });
      return 'duplicate';
    }
    return this.recent.run(key, () => this.ingest(command));
  }

  private async ingest({ channel, update, correlationId }: IngestUpdateCommand): Promise<IngestOutcome> {
    const normalized = normalizeTelegramUpdate(update);
    if (normalized.outcome === 'skipped') {
      telegramMetrics.updates.inc({ outcome: 'skipped', reason: normalized.reason });
      this.logger.debug({ channelId: channel.channelId, updateId: update.update_id, reason: normalized.reason, detail: normalized.detail }, 'telegram update skipped');
      return 'skipped';
    }
    const message = normalized.message;
    if (normalized.albumId) {
      await this.albums.add({ accountId: channel.accountId, channelId: channel.channelId, albumId: normalized.albumId }, message);
      telegramMetrics.updates.inc({ outcome: 'accepted', reason: 'album-part' });
      return 'accepted';
    }
    let record;
    try {
      record = this.publisher.encode(channel, message, correlationId);
    } catch (err) {
      if (!isContractViolationError(err)) throw err;
      // Nothing a retry could fix: acknowledge, count and log (without the content) instead of blocking the chat.
      telegramMetrics.updates.inc({ outcome: 'skipped', reason: 'invalid' });
      this.logger.error({ channelId: channel.channelId, updateId: update.update_id, details: err.details }, 'normalized update violates the inbound contract; skipped');
      return 'skipped';
    }
    await this.albums.flushChat(channel.channelId, message.externalChatId);
    await this.publisher.publishRecords([{ topic: Topics.ChannelsInbound, record }]);
    telegramMetrics.updates.inc({ outcome: 'accepted', reason: '' });
    return 'accepted';
  }
}
