import { createHash } from 'node:crypto';
import type { ChannelSecrets, ConnectorChannel } from '@crm/connector-kit';
import type { AvitoFailure } from '../api/avito-failure';
import { describeAvitoFailure } from '../api/avito-failure';

/** An Avito channel as connector-avito holds it (memory only; the secrets never logged). */
export interface AvitoChannelState extends ConnectorChannel {
  clientId: string;
  clientSecret: string;
  /** The random secret of the webhook URL (`/webhooks/avito/:channelId/:hookSecret`). */
  hookSecret: string;
  /** The messenger user_id learned on save (`accounts/self`), when the api could ask then. */
  userId?: number;
}

/** A channels.config.v1 record (decrypted by the kit) → the channel's state; throws when it cannot be used. */
export function resolveAvitoChannel(base: ConnectorChannel, secrets: ChannelSecrets): AvitoChannelState {
  const clientSecret = secrets.credentials.clientSecret;
  const clientId = base.settings.clientId;
  if (typeof clientId !== 'string' || clientId === '') throw new Error('avito channel record without settings.clientId');
  if (typeof clientSecret !== 'string' || clientSecret === '') throw new Error('avito channel record without the clientSecret credential');
  if (!secrets.webhookSecret) throw new Error('avito channel record without a webhook (hook) secret');
  const userId = base.settings.userId;
  return { ...base, clientId, clientSecret, hookSecret: secrets.webhookSecret, ...(Number.isSafeInteger(userId) ? { userId: userId as number } : {}) };
}

/** What the webhook subscription depends on, hashed (the key is compared and may be logged; the secrets may not). */
export function avitoConnectionKey(channel: Pick<AvitoChannelState, 'clientId' | 'clientSecret' | 'hookSecret'>): string {
  return createHash('sha256').update(`${channel.clientId}\n${channel.clientSecret}\n${channel.hookSecret}`).digest('base64url');
}

/** Health causes of an Avito channel (stable upper-snake codes). */
export const AvitoHealthCause = {
  CredentialsInvalid: 'AVITO_CREDENTIALS_INVALID',
  PlanRequired: 'AVITO_PLAN_REQUIRED',
  PlatformUnavailable: 'PLATFORM_UNAVAILABLE',
  SubscriptionRefused: 'AVITO_SUBSCRIPTION_REFUSED',
} as const;

/** The channel health a failed Avito call implies (as the kit's ChannelHealth). */
export function assessAvitoFailure(failure: AvitoFailure): { status: 'needs-reauth' | 'degraded'; causeCode: string; message: string } {
  const message = describeAvitoFailure(failure);
  if (failure.kind === 'rejected') return { status: 'needs-reauth', causeCode: AvitoHealthCause.CredentialsInvalid, message };
  if (failure.kind === 'permanent' && failure.status === 402) return { status: 'needs-reauth', causeCode: AvitoHealthCause.PlanRequired, message };
  if (failure.kind === 'permanent') return { status: 'degraded', causeCode: AvitoHealthCause.SubscriptionRefused, message };
  return { status: 'degraded', causeCode: AvitoHealthCause.PlatformUnavailable, message };
}
