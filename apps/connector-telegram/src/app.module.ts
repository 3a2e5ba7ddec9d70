import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { BotApiCache } from './bot-api/bot-api.cache';
import { CheckChannelHealthUseCase } from './check-channel-health/check-channel-health.usecase';
import { ConnectorTelegramConfig } from './config/connector-telegram.config';
import { ChannelConnections } from './connect-channel/channel-connections.service';
import { ConnectChannelUseCase } from './connect-channel/connect-channel.usecase';
import { DisconnectChannelUseCase } from './disconnect-channel/disconnect-channel.usecase';
import { ChannelHealthMonitor } from './health/channel-health.monitor';
import { HealthReporter } from './health/health-reporter';
import { AlbumBuffer } from './ingest-update/album-buffer';
import { AlbumPartsRepository } from './ingest-update/album-parts.repository';
import { InboundPublisher } from './ingest-update/inbound-publisher';
import { IngestUpdateUseCase } from './ingest-update/ingest-update.usecase';
import { DeliveryLogRepository } from './outbound/delivery-log.repository';
import { OutboundMessageConsumer } from './outbound/outbound-message.consumer';
import { StatusPublisher } from './outbound/status-publisher';
import { ReceiveWebhookUseCase } from './receive-webhook/receive-webhook.usecase';
import { ChannelConfigReader } from './registry/channel-config.reader';
import { ChannelRegistryService } from './registry/channel-registry.service';
import { SendOutboundMessageUseCase } from './send-outbound-message/send-outbound-message.usecase';
import { PollingUpdateSource } from './update-sources/polling-update.source';
import { UPDATE_SOURCE } from './update-sources/update-source.port';
import { WebhookUpdateSource } from './update-sources/webhook-update.source';
import { TelegramWebhookHttpHandler } from './webhook/telegram-webhook.http-handler';

/** How updates arrive, per TELEGRAM_MODE. */
const UPDATE_SOURCES = { webhook: WebhookUpdateSource, polling: PollingUpdateSource } as const;

/** Telegram bots (grammY): webhooks in, normalized onto Kafka; outbound replies. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorTelegramConfig, logger: Logger): DynamicModule {
    const updateSource = UPDATE_SOURCES[config.TELEGRAM_MODE];
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-telegram', config, logger })],
      providers: [
        BotApiCache,
        ChannelRegistryService,
        ChannelConfigReader,
        updateSource,
        { provide: UPDATE_SOURCE, useExisting: updateSource },
        HealthReporter,
        ConnectChannelUseCase,
        DisconnectChannelUseCase,
        ChannelConnections,
        CheckChannelHealthUseCase,
        ChannelHealthMonitor,
        InboundPublisher,
        AlbumPartsRepository,
        AlbumBuffer,
        IngestUpdateUseCase,
        ReceiveWebhookUseCase,
        TelegramWebhookHttpHandler,
        DeliveryLogRepository,
        StatusPublisher,
        SendOutboundMessageUseCase,
        OutboundMessageConsumer,
      ],
    };
  }
}
