import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { LeadRoutingConfig } from './config/lead-routing.config';

/** Consumes inbound messages; applies routing rules; writes clients, leads, dialogs, messages; emits CRM events. */
@Module({})
export class AppModule {
  static forRoot(config: LeadRoutingConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'lead-routing', config, logger, outboxRelay: true })],
    };
  }
}
