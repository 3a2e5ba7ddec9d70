import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ApiConfig } from './config/api.config';

/** REST for the frontend: channels + wizard, integrations, funnels, dialogs, clients, leads, live events. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'api', config, logger })],
    };
  }
}
