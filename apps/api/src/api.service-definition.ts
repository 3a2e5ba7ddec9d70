import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ApiConfig } from './config/api.config';
import { setupOpenApi } from './openapi';

export const apiService: ServiceDefinition<ApiConfig> = {
  service: 'api',
  configClass: ApiConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  bodyLimit: '256kb',
  configure: (app) => setupOpenApi(app),
};
