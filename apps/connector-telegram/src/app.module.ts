import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ConnectorTelegramConfig } from './config/connector-telegram.config';

/** Telegram bots (grammY): webhooks in, normalized onto Kafka; outbound replies. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorTelegramConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-telegram', config, logger })],
    };
  }
}
