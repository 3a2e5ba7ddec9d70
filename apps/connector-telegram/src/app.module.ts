import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { connectorKitControllers, connectorKitProviders, type ConnectorKitOptions } from '@crm/connector-kit';
import type { TelegramChannelState } from '@crm/platform-telegram';
import { secretKeyringFromEnv } from '@crm/secrets';
import { ServiceKitModule } from '@crm/service-kit';
import { BotApiCache } from './bot-api/bot-api.cache';
import { TelegramChannelStateAdapter } from './channel/telegram-channel-state.adapter';
import { TelegramLifecycleAdapter } from './channel/telegram-lifecycle.adapter';
import { ConnectorTelegramConfig } from './config/connector-telegram.config';
import { TelegramHealthCheckAdapter } from './health/telegram-health-check.adapter';
import { AlbumBuffer } from './ingest-update/album-buffer';
import { AlbumPartsRepository } from './ingest-update/album-parts.repository';
import { IngestUpdateUseCase } from './ingest-update/ingest-update.usecase';
import { TelegramOutboundAdapter } from './outbound/telegram-outbound.adapter';
import { PollingUpdateSource } from './update-sources/polling-update.source';
import { UPDATE_SOURCE } from './update-sources/update-source.port';
import { WebhookUpdateSource } from './update-sources/webhook-update.source';
import { TelegramWebhookAdapter } from './webhook/telegram-webhook.adapter';

/** How updates arrive, per TELEGRAM_MODE. */
const UPDATE_SOURCES = { webhook: WebhookUpdateSource, polling: PollingUpdateSource } as const;

const CONNECTOR_KIT: ConnectorKitOptions<ConnectorTelegramConfig, TelegramChannelState> = {
  channelType: 'telegram',
  settings: (c) => ({
    secretsKey: secretKeyringFromEnv(c),
    produceTimeoutMs: c.TELEGRAM_PRODUCE_TIMEOUT_MS,
    produceLingerMs: c.TELEGRAM_PRODUCE_LINGER_MS,
    sendRetryWindowMs: c.TELEGRAM_SEND_RETRY_WINDOW_MS,
    healthIntervalMs: c.TELEGRAM_HEALTH_INTERVAL_MS,
    leaseTtlMs: c.TELEGRAM_LEASE_TTL_MS,
  }),
  channelState: TelegramChannelStateAdapter,
  webhook: TelegramWebhookAdapter,
  outbound: TelegramOutboundAdapter,
  lifecycle: TelegramLifecycleAdapter,
  healthCheck: TelegramHealthCheckAdapter,
};

/** Telegram bots (grammY) on the connector kit: webhooks in, normalized onto Kafka; outbound replies; health. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorTelegramConfig, logger: Logger): DynamicModule {
    const updateSource = UPDATE_SOURCES[config.TELEGRAM_MODE];
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-telegram', config, logger })],
      controllers: connectorKitControllers(CONNECTOR_KIT, config),
      providers: [
        ...connectorKitProviders(CONNECTOR_KIT),
        BotApiCache,
        updateSource,
        { provide: UPDATE_SOURCE, useExisting: updateSource },
        AlbumPartsRepository,
        AlbumBuffer,
        IngestUpdateUseCase,
      ],
    };
  }
}
