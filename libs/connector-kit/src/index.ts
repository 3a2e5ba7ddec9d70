// @crm/connector-kit — everything a connector needs that is not about its platform, parameterised by channel type
// (issue 10 §1): the channel registry over channels.config.v1, webhook plumbing, publishing with acks=all, the
// outbound consumer with its at-most-once delivery log, status and health publishing, rate limits and retries, and
// the one table of foreign message kinds. A connector implements the ports (ports/) and spreads
// connectorKitProviders(); see docs/connector-kit.md and docs/ENGINEERING.md "Adding a channel type".

// Ports
export type { ChannelChange, ChannelSecrets, ChannelStatePort, ConnectorChannel } from './ports/channel-state.port';
export { type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResponse, type WebhookResult } from './ports/webhook.port';
export type { CallFailure, CallOutcome, DeliveryContext, DeliveryResult, OutboundPort, PlatformIdempotency } from './ports/outbound.port';
export { type ChannelHealth, type ChannelLifecyclePort, type DisconnectReason, type HealthCheckPort, KitHealthCause } from './ports/lifecycle.port';

// Pure helpers
export { TokenBucket } from './core/rate-limit/token-bucket';
export { SendRateLimiter, type SendRateLimits, type SharedChannelBudget } from './core/rate-limit/send-rate-limiter';
export { parseRetryAfter, retryCall, RetryErrorCode, type RetryCallOptions, SendInterruptedError } from './core/retry/retry-call';
export { ChannelStateRegistry, connectionActions, type ChannelStateBuilder, type ConnectionActions } from './core/registry/channel-registry';
export { channelStateBuilder } from './core/registry/channel-state-builder';
export { recordChannelType } from './core/registry/record-channel-type';
export { hmacSha256Matches, secretsEqual } from './core/webhook/secret-compare';
export { isHttpsOnHosts, isSameOrigin, openPlatformFile, PlatformFileError, type OpenPlatformFileOptions, type PlatformFileStream } from './core/files/open-platform-file';
export { runChatsInOrder } from './core/outbound/run-chats-in-order';
export { foreignKind, type ForeignKind, type ForeignKindParts } from './core/kinds/foreign-kinds';

// Nest wiring and services
export { attachConnectorWebhooks, connectorKitControllers, connectorKitProviders } from './nest/connector-kit.providers';
export type { ConnectorKitOptions, ConnectorKitSettings, ResolvedKitOptions } from './nest/connector-kit.options';
export { CHANNEL_STATE_PORT, HEALTH_CHECK_PORT, KIT_OPTIONS, LIFECYCLE_PORT, OUTBOUND_PORT, WEBHOOK_PORT } from './nest/tokens';
export { connectorMetrics } from './nest/metrics';
export { ChannelRegistry } from './nest/registry/channel-registry.service';
export { ChannelConfigReader } from './nest/registry/channel-config.reader';
export { InboundNotStoredError, InboundPublisher, type TopicRecord } from './nest/publish/inbound-publisher';
export { StatusPublisher } from './nest/publish/status-publisher';
export { HealthReporter } from './nest/publish/health-reporter';
export { ChannelConnections } from './nest/connections/channel-connections.service';
export { ChannelHealthMonitor } from './nest/connections/channel-health.monitor';
export { LeaseService } from './nest/coordination/lease.service';
export { ChannelLeases } from './nest/coordination/channel-leases.service';
export { SharedSendBudgetRepository } from './nest/coordination/shared-send-budget.repository';
export { DEFAULT_WEBHOOK_BODY_LIMIT, WebhookHttpHandler } from './nest/webhook/webhook.http-handler';
export { ReceiveWebhookUseCase } from './nest/webhook/receive-webhook.usecase';
export { DeliveryLogRepository, type DeliveryClaim, type DeliveryRef } from './nest/outbound/delivery-log.repository';
export { OutboundErrorCode, SendOutboundMessageUseCase } from './nest/outbound/send-outbound-message.usecase';
export type { SendOutboundMessageCommand } from './nest/outbound/send-outbound-message.command';
export { outboundConsumerGroup, outboundMessageConsumerFor } from './nest/outbound/outbound-message.consumer';

// Tests of connectors (real Kafka)
export { ConnectorTestKit, type ConnectorTestKitOptions, type SeenRecord, type TestChannelInput } from './testing/connector-test-kit';
export { startConnector, type StartConnectorOptions, type StartedConnector } from './testing/start-connector';
