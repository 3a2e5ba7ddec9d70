import type { INestApplication, Provider, Type } from '@nestjs/common';
import type { Server } from 'node:http';
import { toSecretKeyring } from '@crm/secrets';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorChannel } from '../ports/channel-state.port';
import { ChannelConnections } from './connections/channel-connections.service';
import { ChannelHealthMonitor } from './connections/channel-health.monitor';
import { ChannelLeases } from './coordination/channel-leases.service';
import { LeaseService } from './coordination/lease.service';
import { SharedSendBudgetRepository } from './coordination/shared-send-budget.repository';
import type { ConnectorKitOptions, ResolvedKitOptions } from './connector-kit.options';
import { DeliveryLogRepository } from './outbound/delivery-log.repository';
import { outboundMessageConsumerFor } from './outbound/outbound-message.consumer';
import { SendOutboundMessageUseCase } from './outbound/send-outbound-message.usecase';
import { HealthReporter } from './publish/health-reporter';
import { InboundPublisher } from './publish/inbound-publisher';
import { StatusPublisher } from './publish/status-publisher';
import { ChannelConfigReader } from './registry/channel-config.reader';
import { ChannelRegistry } from './registry/channel-registry.service';
import { CHANNEL_STATE_PORT, HEALTH_CHECK_PORT, KIT_OPTIONS, LIFECYCLE_PORT, OUTBOUND_PORT, WEBHOOK_PORT } from './tokens';
import { ReceiveWebhookUseCase } from './webhook/receive-webhook.usecase';
import { WebhookHttpHandler } from './webhook/webhook.http-handler';

/**
 * The providers of a connector built on the kit, to spread into the app module's `providers` (next to
 * ServiceKitModule): the registry over channels.config.v1 and, per port given, the webhook endpoint, the outbound
 * pipeline with its delivery log (its Kafka handler comes from connectorKitControllers), channel connections and the
 * health monitor. The port classes become providers of the app module too, so they can inject the app's own
 * providers and the kit's services.
 */
export function connectorKitProviders<C, S extends ConnectorChannel>(options: ConnectorKitOptions<C, S>): Provider[] {
  const ports: Array<[symbol, ConnectorKitOptions<C, S>[keyof ConnectorKitOptions<C, S>]]> = [
    [CHANNEL_STATE_PORT, options.channelState],
    [WEBHOOK_PORT, options.webhook],
    [OUTBOUND_PORT, options.outbound],
    [LIFECYCLE_PORT, options.lifecycle],
    [HEALTH_CHECK_PORT, options.healthCheck],
  ];
  const bound = ports.filter(([, cls]) => typeof cls === 'function') as Array<[symbol, new (...args: never[]) => unknown]>;
  return [
    { provide: KIT_OPTIONS, inject: [SERVICE_CONFIG], useFactory: (config: C) => resolveKitOptions(options, config) },
    ...bound.flatMap(([token, cls]) => [cls, { provide: token, useExisting: cls }]),
    ChannelRegistry,
    ChannelConfigReader,
    InboundPublisher,
    StatusPublisher,
    HealthReporter,
    LeaseService,
    ChannelLeases,
    ChannelConnections,
    ChannelHealthMonitor,
    ...(options.webhook ? [ReceiveWebhookUseCase, WebhookHttpHandler] : []),
    ...(options.outbound ? [DeliveryLogRepository, SharedSendBudgetRepository, SendOutboundMessageUseCase] : []),
  ];
}

/**
 * The Kafka handlers of a connector built on the kit, for the app module's `controllers` (next to its own): the
 * outbound consumer when an OutboundPort is given, tuned from the config (partitions at once; a session long enough
 * for a send that waits out a retry-after).
 */
export function connectorKitControllers<C, S extends ConnectorChannel>(options: ConnectorKitOptions<C, S>, config: C): Type<unknown>[] {
  if (!options.outbound) return [];
  const resolved = resolveKitOptions(options, config);
  return [
    outboundMessageConsumerFor(options.channelType, {
      partitionsConsumedConcurrently: resolved.outboundPartitionsConcurrently,
      sessionTimeoutMs: Math.max(30_000, resolved.sendRetryWindowMs + 30_000),
    }),
  ];
}

/**
 * How long the records of concurrent webhook calls are gathered into one produce request when the app does not say.
 * One message per call (VK, Avito, the widget) at 1,000 calls/s: 5 ms makes about five records per request instead
 * of two, which on the 2-core benchmark machine took the broker's and the connector's share of the CPU down enough
 * for the answers' p99 to stay in the 25 ms bucket (npm run bench:vk, bench:avito); it adds at most 5 ms to an answer.
 */
const DEFAULT_PRODUCE_LINGER_MS = 5;

function resolveKitOptions<C, S extends ConnectorChannel>(options: ConnectorKitOptions<C, S>, config: C): ResolvedKitOptions {
  const s = options.settings(config);
  return {
    channelType: options.channelType,
    secretsKey: toSecretKeyring(s.secretsKey),
    produceTimeoutMs: s.produceTimeoutMs ?? 5000,
    produceLingerMs: s.produceLingerMs ?? DEFAULT_PRODUCE_LINGER_MS,
    sendRetryWindowMs: s.sendRetryWindowMs ?? 60_000,
    healthIntervalMs: s.healthIntervalMs ?? 60_000,
    leaseTtlMs: s.leaseTtlMs ?? 30_000,
    outboundPartitionsConcurrently: s.outboundPartitionsConcurrently ?? 6,
    hasWebhook: options.webhook !== undefined,
    hasOutbound: options.outbound !== undefined,
  };
}

/** For ServiceDefinition.configure: serves `/webhooks/<type>/*` in front of Express (no-op without a WebhookPort). */
export function attachConnectorWebhooks(app: INestApplication): void {
  if (!app.get<ResolvedKitOptions>(KIT_OPTIONS).hasWebhook) return;
  app.get(WebhookHttpHandler).attach(app.getHttpServer() as Server);
}
