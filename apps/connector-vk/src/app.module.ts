import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ConnectorVkConfig } from './config/connector-vk.config';

/** VK Callback API in, messages.send out. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorVkConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-vk', config, logger })],
    };
  }
}
