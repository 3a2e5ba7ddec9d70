import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { ConnectorWidgetConfig } from './config/connector-widget.config';

/** Public API + live channel for site visitors; serves the embeddable widget script. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorWidgetConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-widget', config, logger })],
    };
  }
}
