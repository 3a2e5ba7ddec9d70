import { attachConnectorWebhooks } from '@crm/connector-kit';
import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorAvitoConfig } from './config/connector-avito.config';

export const connectorAvitoService: ServiceDefinition<ConnectorAvitoConfig> = {
  service: 'connector-avito',
  configClass: ConnectorAvitoConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configure: (app) => attachConnectorWebhooks(app),
};
