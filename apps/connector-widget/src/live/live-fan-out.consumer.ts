import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { HEADER_EVENT_TYPE, Topics } from '@crm/contracts';
import { consumerPattern, KafkaRecordContext, LOGGER } from '@crm/service-kit';
import { decodeStoredMessageEvent, decodeWidgetRecord, WidgetRecord } from '../delivery/widget-envelope.filter';
import { FanOutUseCase } from './fan-out/fan-out.usecase';
import { LiveConnections } from './live-connections.registry';

export const LIVE_FAN_OUT_GROUP = 'connector-widget.live';

/**
 * Every instance reads every widget reply and visitor message (a group of its own per process — `perInstance` —
 * starting at the latest offset) and pushes them to the pages connected to it — so a visitor gets replies live
 * whichever instance their WebSocket landed on. The group is deleted on a clean shutdown, a crashed process's by the
 * next start: restarts leave no groups behind (docs/connector-kit.md "Running several instances"). Nothing here can be lost: what a page misses while disconnected it
 * catches up from the database on reconnect. Never dead-letters (the owning consumers judge poison records), so the
 * raw value is decoded here, where the live connections are known.
 */
@Controller()
export class LiveFanOutConsumer {
  constructor(
    private readonly fanOut: FanOutUseCase,
    private readonly connections: LiveConnections,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(
    [Topics.ChannelsOutbound, Topics.ChannelsInbound, Topics.CrmEvents],
    consumerPattern({ groupId: LIVE_FAN_OUT_GROUP, perInstance: true, fromBeginning: false }),
  )
  async handle(@Payload() raw: Buffer | null, @Ctx() ctx: KafkaRecordContext): Promise<void> {
    const record = this.decode(raw, ctx.headers[HEADER_EVENT_TYPE]);
    try {
      await this.fanOut.execute(record);
    } catch (err) {
      this.logger.warn({ err, topic: ctx.message.topic, offset: ctx.message.offset }, 'live fan-out failed for a record');
    }
  }

  private decode(raw: Buffer | null, eventType: string | undefined): WidgetRecord {
    try {
      // CRM events are keyed by dialog: only those of channels with visitors connected here are looked at.
      return eventType === 'crm.event' ? decodeStoredMessageEvent(raw, (channelId) => this.connections.watches(channelId)) : decodeWidgetRecord(raw);
    } catch {
      return { kind: 'skip' };
    }
  }
}
