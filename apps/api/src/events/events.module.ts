import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { LiveEventHub } from './live-event.hub';
import { LiveEventsConsumer } from './live-events.consumer';

/** Server-Sent Events per account, fed by this instance's own consumer of crm.events.v1 and channels.status.v1. */
@Module({ controllers: [EventsController], providers: [LiveEventHub, LiveEventsConsumer] })
export class EventsModule {}
