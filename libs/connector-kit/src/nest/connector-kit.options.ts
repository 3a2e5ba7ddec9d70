import type { Type } from '@nestjs/common';
import type { ChannelType } from '@crm/contracts';
import type { ChannelStatePort, ConnectorChannel } from '../ports/channel-state.port';
import type { ChannelLifecyclePort, HealthCheckPort } from '../ports/lifecycle.port';
import type { OutboundPort } from '../ports/outbound.port';
import type { WebhookPort } from '../ports/webhook.port';

/** Numbers the kit needs from the app's config. */
export interface ConnectorKitSettings {
  /** SECRETS_KEY (base64 of 32 bytes): decrypts the credentials of channels.config.v1. */
  secretsKey: string;
  /** A webhook whose records Kafka has not acknowledged within this time is answered 503 (default 5000). */
  produceTimeoutMs?: number;
  /** Records of concurrent webhook calls are gathered this long and produced together (default 2; 0 = next tick). */
  produceLingerMs?: number;
  /** How long a send is retried while the platform is unreachable (default 60000). */
  sendRetryWindowMs?: number;
  /** Period of the HealthCheckPort probe (default 60000). */
  healthIntervalMs?: number;
  /** Partitions of channels.outbound.v1 handled at once (default 6). */
  outboundPartitionsConcurrently?: number;
}

export interface ConnectorKitOptions<C, S extends ConnectorChannel> {
  channelType: ChannelType;
  settings: (config: C) => ConnectorKitSettings;
  channelState: Type<ChannelStatePort<S>>;
  webhook?: Type<WebhookPort<S>>;
  outbound?: Type<OutboundPort<S>>;
  lifecycle?: Type<ChannelLifecyclePort<S>>;
  healthCheck?: Type<HealthCheckPort<S>>;
}

/** The options with defaults applied, as the kit's providers see them. */
export interface ResolvedKitOptions {
  channelType: ChannelType;
  secretsKey: Buffer;
  produceTimeoutMs: number;
  produceLingerMs: number;
  sendRetryWindowMs: number;
  healthIntervalMs: number;
  outboundPartitionsConcurrently: number;
  hasWebhook: boolean;
  hasOutbound: boolean;
}
