import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { IntegrationsConfig } from './config/integrations.config';

/** Consumes CRM events; forwards clients/leads/messages to Bitrix24 / amoCRM. */
@Module({})
export class AppModule {
  static forRoot(config: IntegrationsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'integrations', config, logger })],
    };
  }
}
