import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { IssueEventTicketUseCase } from './issue-event-ticket/issue-event-ticket.usecase';
import { LiveEventHub } from './live-event.hub';
import { LiveEventSignal } from './live-event.signal';
import { LiveEventReader } from './live-event.store';
import { LiveEventsConsumer } from './live-events.consumer';
import { OpenEventStreamUseCase } from './open-event-stream/open-event-stream.usecase';
import { RecordLiveEventsUseCase } from './record-live-events/record-live-events.usecase';
import { RedeemEventTicketUseCase } from './redeem-event-ticket/redeem-event-ticket.usecase';

/**
 * Server-Sent Events per account: one consumer group shared by the api instances records crm.events.v1 and
 * channels.status.v1 in a durable sequence (live_events); every instance streams it to its own connections, with
 * replay after a position and single-use tickets for browsers.
 */
@Module({
  controllers: [EventsController, LiveEventsConsumer],
  providers: [
    LiveEventReader,
    LiveEventSignal,
    LiveEventHub,
    RecordLiveEventsUseCase,
    IssueEventTicketUseCase,
    RedeemEventTicketUseCase,
    OpenEventStreamUseCase,
  ],
})
export class EventsModule {}
