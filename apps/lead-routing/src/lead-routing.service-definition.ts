import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { LeadRoutingConfig } from './config/lead-routing.config';

export const leadRoutingService: ServiceDefinition<LeadRoutingConfig> = {
  service: 'lead-routing',
  configClass: LeadRoutingConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
};
