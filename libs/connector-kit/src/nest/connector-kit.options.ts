import type { Type } from '@nestjs/common';
import type { ChannelType } from '@crm/contracts';
import type { SecretKeyring } from '@crm/secrets';
import type { ChannelStatePort, ConnectorChannel } from '../ports/channel-state.port';
import type { ChannelLifecyclePort, HealthCheckPort } from '../ports/lifecycle.port';
import type { OutboundPort } from '../ports/outbound.port';
import type { WebhookPort } from '../ports/webhook.port';

/** Numbers the kit needs from the app's config. */
export interface ConnectorKitSettings {
  /** The keyring (secretKeyringFromEnv(config)) or a base64 SECRETS_KEY: decrypts the credentials of channels.config.v1. */
  secretsKey: SecretKeyring | string;
  /** A webhook whose records Kafka has not acknowledged within this time is answered 503 (default 5000). */
  produceTimeoutMs?: number;
  /** Records of concurrent webhook calls are gathered this long and produced together (default 5; 0 = next tick). */
  produceLingerMs?: number;
  /** How long a send is retried while the platform is unreachable (default 60000). */
  sendRetryWindowMs?: number;
  /** Period of the HealthCheckPort probe (default 60000). */
  healthIntervalMs?: number;
  /** Partitions of channels.outbound.v1 handled at once (default 6). */
  outboundPartitionsConcurrently?: number;
  /**
   * Lifetime of a channel's lease (default 30000): the one instance holding it reconciles the channel's platform
   * connection and runs its health checks; renewed every third of it; a dead holder's channels are taken over after it.
   */
  leaseTtlMs?: number;
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
  secretsKey: SecretKeyring;
  produceTimeoutMs: number;
  produceLingerMs: number;
  sendRetryWindowMs: number;
  healthIntervalMs: number;
  leaseTtlMs: number;
  outboundPartitionsConcurrently: number;
  hasWebhook: boolean;
  hasOutbound: boolean;
}
