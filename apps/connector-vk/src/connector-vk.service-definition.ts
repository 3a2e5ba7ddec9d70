import { attachConnectorWebhooks } from '@crm/connector-kit';
import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorVkConfig } from './config/connector-vk.config';

export const connectorVkService: ServiceDefinition<ConnectorVkConfig> = {
  service: 'connector-vk',
  configClass: ConnectorVkConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configure: (app) => attachConnectorWebhooks(app),
};
