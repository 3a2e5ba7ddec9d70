import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { IntegrationsConfig } from './config/integrations.config';

export const integrationsService: ServiceDefinition<IntegrationsConfig> = {
  service: 'integrations',
  configClass: IntegrationsConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
};
