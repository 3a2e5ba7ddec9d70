import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { connectorKitControllers, connectorKitProviders, type ConnectorKitOptions } from '@crm/connector-kit';
import type { WhatsappChannelState } from '@crm/platform-whatsapp';
import { secretKeyringFromEnv } from '@crm/secrets';
import { ServiceKitModule } from '@crm/service-kit';
import { WhatsappChannelStateAdapter } from './channel/whatsapp-channel-state.adapter';
import { ConnectorWhatsappConfig } from './config/connector-whatsapp.config';
import { WhatsappHealthCheckAdapter } from './health/whatsapp-health-check.adapter';
import { WhatsappOutboundAdapter } from './outbound/whatsapp-outbound.adapter';
import { WhatsappWebhookAdapter } from './webhook/whatsapp-webhook.adapter';

const CONNECTOR_KIT: ConnectorKitOptions<ConnectorWhatsappConfig, WhatsappChannelState> = {
  channelType: 'whatsapp',
  settings: (c) => ({
    secretsKey: secretKeyringFromEnv(c),
    produceTimeoutMs: c.WHATSAPP_PRODUCE_TIMEOUT_MS,
    produceLingerMs: c.WHATSAPP_PRODUCE_LINGER_MS,
    sendRetryWindowMs: c.WHATSAPP_SEND_RETRY_WINDOW_MS,
    healthIntervalMs: c.WHATSAPP_HEALTH_INTERVAL_MS,
  }),
  channelState: WhatsappChannelStateAdapter,
  webhook: WhatsappWebhookAdapter,
  outbound: WhatsappOutboundAdapter,
  healthCheck: WhatsappHealthCheckAdapter,
};

/** WhatsApp Business Cloud API on the connector kit: webhooks in (messages and statuses), Graph API out, token health. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorWhatsappConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-whatsapp', config, logger })],
      controllers: connectorKitControllers(CONNECTOR_KIT, config),
      providers: connectorKitProviders(CONNECTOR_KIT),
    };
  }
}
