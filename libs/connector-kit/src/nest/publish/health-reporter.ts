import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { createEnvelope, encodeEnvelope, eventHeaders, Topics } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { LOGGER } from '@crm/service-kit';
import type { ChannelHealth } from '../../ports/lifecycle.port';

type Scope = { channelId: string; accountId: string };

/**
 * Publishes a channel's health on channels.status.v1 (`channel.health`, key = channelId) when it changes, so the api
 * shows it in the channel list. Remembers the last published state per channel; a failed publish is retried at the
 * next report.
 */
@Injectable()
export class HealthReporter {
  private readonly last = new Map<string, ChannelHealth>();

  constructor(
    private readonly producer: EventProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The health last published for the channel (undefined before the first report). */
  current(channelId: string): ChannelHealth | undefined {
    return this.last.get(channelId);
  }

  async report(channel: Scope, health: ChannelHealth): Promise<void> {
    const previous = this.last.get(channel.channelId);
    if (previous && fingerprint(previous) === fingerprint(health)) return;
    const envelope = createEnvelope(
      'channel.health',
      { status: health.status, ...(health.causeCode ? { causeCode: health.causeCode } : {}), ...(health.message ? { message: health.message.slice(0, 1000) } : {}), at: new Date().toISOString() },
      { accountId: channel.accountId, channelId: channel.channelId },
    );
    try {
      await this.producer.send(Topics.ChannelsStatus, [{ key: channel.channelId, value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
      this.last.set(channel.channelId, health);
      this.logger.info({ channelId: channel.channelId, health: health.status, cause: health.causeCode }, 'channel health reported');
    } catch (err) {
      this.logger.warn({ channelId: channel.channelId, err: { message: (err as Error).message } }, 'channel health not published; will retry');
    }
  }

  forget(channelId: string): void {
    this.last.delete(channelId);
  }
}

function fingerprint(h: ChannelHealth): string {
  return `${h.status}|${h.causeCode ?? ''}|${h.message ?? ''}`;
}
