import { attachConnectorWebhooks } from '@crm/connector-kit';
import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorTelegramConfig } from './config/connector-telegram.config';

export const connectorTelegramService: ServiceDefinition<ConnectorTelegramConfig> = {
  service: 'connector-telegram',
  configClass: ConnectorTelegramConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configure: (app) => attachConnectorWebhooks(app),
};
