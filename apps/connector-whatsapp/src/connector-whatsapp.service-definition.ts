import { attachConnectorWebhooks } from '@crm/connector-kit';
import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorWhatsappConfig } from './config/connector-whatsapp.config';

export const connectorWhatsappService: ServiceDefinition<ConnectorWhatsappConfig> = {
  service: 'connector-whatsapp',
  configClass: ConnectorWhatsappConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configure: (app) => attachConnectorWebhooks(app),
};
