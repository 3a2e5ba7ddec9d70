import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { connectorKitControllers, connectorKitProviders, type ConnectorKitOptions } from '@crm/connector-kit';
import { AvitoApiClient, type AvitoChannelState, AvitoTokenProvider } from '@crm/platform-avito';
import { secretKeyringFromEnv } from '@crm/secrets';
import { SERVICE_CONFIG, ServiceKitModule } from '@crm/service-kit';
import { AvitoSessions } from './auth/avito-sessions.service';
import { PostgresAvitoTokenStore } from './auth/postgres-avito-token.store';
import { AvitoChannelStateAdapter } from './channel/avito-channel-state.adapter';
import { AvitoLifecycleAdapter } from './channel/avito-lifecycle.adapter';
import { ChatFactsCache } from './chat-facts/chat-facts.cache';
import { ConnectorAvitoConfig } from './config/connector-avito.config';
import { AvitoHealthCheckAdapter } from './health/avito-health-check.adapter';
import { avitoMetrics } from './metrics/avito-metrics';
import { AvitoOutboundAdapter } from './outbound/avito-outbound.adapter';
import { AvitoWebhookAdapter } from './webhook/avito-webhook.adapter';

const CONNECTOR_KIT: ConnectorKitOptions<ConnectorAvitoConfig, AvitoChannelState> = {
  channelType: 'avito',
  settings: (c) => ({
    secretsKey: secretKeyringFromEnv(c),
    produceTimeoutMs: c.AVITO_PRODUCE_TIMEOUT_MS,
    sendRetryWindowMs: c.AVITO_SEND_RETRY_WINDOW_MS,
    healthIntervalMs: c.AVITO_HEALTH_INTERVAL_MS,
  }),
  channelState: AvitoChannelStateAdapter,
  webhook: AvitoWebhookAdapter,
  outbound: AvitoOutboundAdapter,
  lifecycle: AvitoLifecycleAdapter,
  healthCheck: AvitoHealthCheckAdapter,
};

/** Avito Messenger API on the connector kit: OAuth client credentials, webhook subscription, send. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorAvitoConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-avito', config, logger })],
      controllers: connectorKitControllers(CONNECTOR_KIT, config),
      providers: [
        ...connectorKitProviders(CONNECTOR_KIT),
        {
          provide: AvitoApiClient,
          inject: [SERVICE_CONFIG],
          useFactory: (c: ConnectorAvitoConfig) => new AvitoApiClient({ baseUrl: c.AVITO_API_URL, timeoutMs: c.AVITO_API_TIMEOUT_MS }),
        },
        PostgresAvitoTokenStore,
        {
          provide: AvitoTokenProvider,
          inject: [PostgresAvitoTokenStore, AvitoApiClient, SERVICE_CONFIG],
          useFactory: (store: PostgresAvitoTokenStore, api: AvitoApiClient, c: ConnectorAvitoConfig) =>
            new AvitoTokenProvider(store, api, { refreshMarginMs: c.AVITO_TOKEN_REFRESH_MARGIN_MS, onTokenRequest: (result) => avitoMetrics.tokens.inc({ result }) }),
        },
        AvitoSessions,
        ChatFactsCache,
      ],
    };
  }
}
