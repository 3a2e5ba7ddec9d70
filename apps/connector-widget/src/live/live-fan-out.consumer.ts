import { Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Topics } from '@crm/contracts';
import { ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { decodeStoredMessageEvent, decodeWidgetRecord, WidgetRecord } from '../delivery/widget-envelope.filter';
import { FanOutUseCase } from './fan-out/fan-out.usecase';
import { LiveConnections } from './live-connections.registry';

/**
 * Every instance reads every widget reply and visitor message (its own consumer group, starting at the latest
 * offset) and pushes them to the pages connected to it — so a visitor gets replies live whichever instance their
 * WebSocket landed on. Nothing here can be lost: what a page misses while disconnected it catches up from the
 * database on reconnect. Never dead-letters (the owning consumers judge poison records).
 */
@Injectable()
export class LiveFanOutConsumer extends ManagedConsumer<WidgetRecord> {
  readonly instanceGroup = `connector-widget.live.${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly fanOut: FanOutUseCase,
    private readonly connections: LiveConnections,
  ) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<WidgetRecord> {
    return {
      groupId: this.instanceGroup,
      topics: [Topics.ChannelsOutbound, Topics.ChannelsInbound, Topics.CrmEvents],
      fromBeginning: false,
      decode: (raw, message) => {
        try {
          // CRM events are keyed by dialog: only those of channels with visitors connected here are looked at.
          return message.headers?.['x-event-type']?.toString() === 'crm.event'
            ? decodeStoredMessageEvent(raw, (channelId) => this.connections.watches(channelId))
            : decodeWidgetRecord(raw);
        } catch {
          return { kind: 'skip' };
        }
      },
      handle: async (message) => {
        try {
          await this.fanOut.execute(message.value);
        } catch (err) {
          this.logger.warn({ err, topic: message.topic, offset: message.offset }, 'live fan-out failed for a record');
        }
      },
    };
  }
}
