import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ChannelRoutingDirectory } from './channels/channel-routing.directory';
import { LeadRoutingConfig } from './config/lead-routing.config';
import { InboundMessageConsumer } from './inbound/inbound-message.consumer';
import { RouteInboundMessageUseCase } from './route-inbound-message/route-inbound-message.usecase';
import { ConversationContextRepository } from './route-inbound-message/conversation-context.repository';
import { RoutingRepository } from './route-inbound-message/routing.repository';

/** Consumes inbound messages; applies routing rules; writes clients, leads, dialogs, messages; emits CRM events. */
@Module({})
export class AppModule {
  static forRoot(config: LeadRoutingConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'lead-routing',
          config,
          logger,
          outboxRelay: true,
          // one connection per concurrently routed partition, plus the outbox relay, health checks and headroom
          poolSize: config.ROUTING_PARTITION_CONCURRENCY + 4,
        }),
      ],
      controllers: [InboundMessageConsumer],
      providers: [ChannelRoutingDirectory, RoutingRepository, ConversationContextRepository, RouteInboundMessageUseCase],
    };
  }
}
