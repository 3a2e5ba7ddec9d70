import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { createEnvelope, encodeEnvelope, eventHeaders, Topics } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import type { TelegramChannelState, TelegramHealth } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';

/**
 * Publishes a channel's health on channels.status.v1 (`channel.health`, key = channelId) when it changes, so the
 * api can show it in the channel list. Remembers the last published state per channel; a failed publish is retried
 * at the next report.
 */
@Injectable()
export class HealthReporter {
  private readonly last = new Map<string, string>();

  constructor(
    private readonly producer: EventProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async report(channel: Pick<TelegramChannelState, 'channelId' | 'accountId'>, health: TelegramHealth): Promise<void> {
    const fingerprint = `${health.status}|${health.causeCode ?? ''}|${health.message ?? ''}`;
    if (this.last.get(channel.channelId) === fingerprint) return;
    const envelope = createEnvelope(
      'channel.health',
      { status: health.status, ...(health.causeCode ? { causeCode: health.causeCode } : {}), ...(health.message ? { message: health.message } : {}), at: new Date().toISOString() },
      { accountId: channel.accountId, channelId: channel.channelId },
    );
    try {
      await this.producer.send(Topics.ChannelsStatus, [{ key: channel.channelId, value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
      this.last.set(channel.channelId, fingerprint);
      this.logger.info({ channelId: channel.channelId, health: health.status, cause: health.causeCode }, 'telegram channel health reported');
    } catch (err) {
      this.logger.warn({ channelId: channel.channelId, err: { message: (err as Error).message } }, 'channel health not published; will retry');
    }
  }

  forget(channelId: string): void {
    this.last.delete(channelId);
  }
}
