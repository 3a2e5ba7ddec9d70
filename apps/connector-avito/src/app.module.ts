import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ConnectorAvitoConfig } from './config/connector-avito.config';

/** Avito Messenger API: OAuth client credentials, webhook subscription, send. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorAvitoConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-avito', config, logger })],
    };
  }
}
