import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorWidgetConfig } from './config/connector-widget.config';

export const connectorWidgetService: ServiceDefinition<ConnectorWidgetConfig> = {
  service: 'connector-widget',
  configClass: ConnectorWidgetConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
};
