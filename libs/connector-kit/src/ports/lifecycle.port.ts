import type { ChannelHealthStatus } from '@crm/contracts';
import type { ConnectorChannel } from './channel-state.port';

/** A channel's health (`data` of channel.health without the timestamp). */
export interface ChannelHealth {
  status: ChannelHealthStatus;
  /** Stable upper-snake cause (TELEGRAM_TOKEN_INVALID, SIGNATURE_REJECTED, PLATFORM_UNAVAILABLE…). */
  causeCode?: string;
  /** Human-readable detail, never a credential. */
  message?: string;
}

/** Causes the kit itself reports. */
export const KitHealthCause = {
  /** Webhook calls for the channel carry a wrong secret or signature (wrong app secret, or someone probing). */
  SignatureRejected: 'SIGNATURE_REJECTED',
  /** The channel was deactivated, set to error or deleted. */
  ChannelInactive: 'CHANNEL_INACTIVE',
  /** The platform could not be asked. */
  PlatformUnavailable: 'PLATFORM_UNAVAILABLE',
} as const;

/** Why a channel is disconnected: deleted (tombstone), replaced (reconnects right after), or its new status. */
export type DisconnectReason = 'deleted' | 'replaced' | 'inactive' | 'error';

/**
 * PORT (optional) — what the platform must be told when a channel starts or stops (Telegram setWebhook /
 * deleteWebhook, Avito webhook subscription). The kit reconciles every channel once the registry is loaded and
 * then applies each change in order per channel; it reports the health connect() returns, and `disconnected`
 * after a deactivation.
 */
export interface ChannelLifecyclePort<S extends ConnectorChannel> {
  /** What connect() depends on (token, secret…): a change while the channel stays active reconnects it. */
  connectionKey(channel: S): string;
  /** Never throws: returns the health to report (active, or needs-reauth / degraded with the reason). */
  connect(channel: S): Promise<ChannelHealth>;
  /** Best effort (a revoked token cannot undo anything); errors are logged by the kit. */
  disconnect(channel: S, reason: DisconnectReason): Promise<void>;
}

/** PORT (optional) — a periodic health probe of each active channel (Telegram getWebhookInfo). */
export interface HealthCheckPort<S extends ConnectorChannel> {
  check(channel: S): Promise<ChannelHealth>;
}
