import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { createEnvelope, encodeEnvelope, eventHeaders, Topics } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { LOGGER, scrubSecrets } from '@crm/service-kit';
import type { ChannelHealth } from '../../ports/lifecycle.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { KIT_OPTIONS } from '../tokens';

type Scope = { channelId: string; accountId: string };

/**
 * Publishes a channel's health on channels.status.v1 (`channel.health`, key = channelId) when it changes, so the api
 * shows it in the channel list. Remembers the last published state per channel; a failed publish is retried at the
 * next report.
 */
@Injectable()
export class HealthReporter {
  private readonly last = new Map<string, { health: ChannelHealth; at: number }>();

  constructor(
    private readonly producer: EventProducer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KIT_OPTIONS) private readonly options: Pick<ResolvedKitOptions, 'healthIntervalMs'>,
  ) {}

  /** The health last published for the channel by this instance (undefined before the first report). */
  current(channelId: string): ChannelHealth | undefined {
    return this.last.get(channelId)?.health;
  }

  /**
   * Publishes unless this instance published the same state lately. "Lately" is three health-check periods: another
   * instance may have published something else meanwhile (a send refused there → needs-reauth), and the instance that
   * probes the channel must be able to put it right.
   */
  async report(channel: Scope, health: ChannelHealth): Promise<void> {
    const previous = this.last.get(channel.channelId);
    if (previous && fingerprint(previous.health) === fingerprint(health) && Date.now() - previous.at < 3 * this.options.healthIntervalMs) return;
    // A platform's error text can echo what we sent it (Avito's webhook URL carries its secret): scrubbed as log lines are.
    const envelope = createEnvelope(
      'channel.health',
      { status: health.status, ...(health.causeCode ? { causeCode: health.causeCode } : {}), ...(health.message ? { message: scrubSecrets(health.message).slice(0, 1000) } : {}), at: new Date().toISOString() },
      { accountId: channel.accountId, channelId: channel.channelId },
    );
    try {
      await this.producer.send(Topics.ChannelsStatus, [{ key: channel.channelId, value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
      this.last.set(channel.channelId, { health, at: Date.now() });
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
