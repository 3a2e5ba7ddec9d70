import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorWidgetConfig } from './config/connector-widget.config';

export const connectorWidgetService: ServiceDefinition<ConnectorWidgetConfig> = {
  service: 'connector-widget',
  configClass: ConnectorWidgetConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  // A visitor's message is at most a few KB of text; anything bigger is refused with 413 before it is parsed.
  bodyLimit: '32kb',
  configure: (app, config) => {
    // The client IP of the per-IP rate limit comes through the public origin's proxy (X-Forwarded-For).
    app.set('trust proxy', config.WIDGET_TRUST_PROXY);
  },
};
