import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { connectorKitControllers, connectorKitProviders, type ConnectorKitOptions } from '@crm/connector-kit';
import { VkApiClient, type VkChannelState } from '@crm/platform-vk';
import { secretKeyringFromEnv } from '@crm/secrets';
import { SERVICE_CONFIG, ServiceKitModule } from '@crm/service-kit';
import { VkChannelStateAdapter } from './channel/vk-channel-state.adapter';
import { ConnectorVkConfig } from './config/connector-vk.config';
import { DeliverMessageUseCase } from './deliver-message/deliver-message.usecase';
import { VkHealthCheckAdapter } from './health/vk-health-check.adapter';
import { RandomIdsPruner } from './maintenance/random-ids.pruner';
import { VkOutboundAdapter } from './outbound/vk-outbound.adapter';
import { DenialLifter } from './permissions/denial-lifter';
import { MessagePermissionsRepository } from './permissions/message-permissions.repository';
import { RandomIdsRepository } from './random-ids/random-ids.repository';
import { ReceiveCallbackUseCase } from './receive-callback/receive-callback.usecase';
import { RecentEvents } from './receive-callback/recent-events';
import { SenderNamesCache } from './sender-names/sender-names.cache';
import { VkWebhookAdapter } from './webhook/vk-webhook.adapter';

const CONNECTOR_KIT: ConnectorKitOptions<ConnectorVkConfig, VkChannelState> = {
  channelType: 'vk',
  settings: (c) => ({
    secretsKey: secretKeyringFromEnv(c),
    produceTimeoutMs: c.VK_PRODUCE_TIMEOUT_MS,
    sendRetryWindowMs: c.VK_SEND_RETRY_WINDOW_MS,
    healthIntervalMs: c.VK_HEALTH_INTERVAL_MS,
  }),
  channelState: VkChannelStateAdapter,
  webhook: VkWebhookAdapter,
  outbound: VkOutboundAdapter,
  healthCheck: VkHealthCheckAdapter,
};

/** VK Callback API in, messages.send out — on the connector kit. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorVkConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-vk', config, logger })],
      controllers: connectorKitControllers(CONNECTOR_KIT, config),
      providers: [
        ...connectorKitProviders(CONNECTOR_KIT),
        {
          provide: VkApiClient,
          inject: [SERVICE_CONFIG],
          useFactory: (c: ConnectorVkConfig) => new VkApiClient({ apiUrl: c.VK_API_URL, timeoutMs: c.VK_API_TIMEOUT_MS }),
        },
        SenderNamesCache,
        RecentEvents,
        MessagePermissionsRepository,
        DenialLifter,
        RandomIdsRepository,
        ReceiveCallbackUseCase,
        DeliverMessageUseCase,
        RandomIdsPruner,
      ],
    };
  }
}
