import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ConnectorWhatsappConfig } from './config/connector-whatsapp.config';

/** WhatsApp Business Cloud API webhooks in, Graph API out. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorWhatsappConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-whatsapp', config, logger })],
    };
  }
}
