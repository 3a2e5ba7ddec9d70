import type { Server } from 'node:http';
import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { ConnectorTelegramConfig } from './config/connector-telegram.config';
import { TelegramWebhookHttpHandler } from './webhook/telegram-webhook.http-handler';

export const connectorTelegramService: ServiceDefinition<ConnectorTelegramConfig> = {
  service: 'connector-telegram',
  configClass: ConnectorTelegramConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configure: (app) => app.get(TelegramWebhookHttpHandler).attach(app.getHttpServer() as Server),
};
