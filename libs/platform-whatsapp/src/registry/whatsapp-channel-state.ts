import type { ChannelSecrets, ConnectorChannel } from '@crm/connector-kit';

/** What the connector knows about one WhatsApp channel (from channels.config.v1, secrets decrypted in memory only). */
export interface WhatsappChannelState extends ConnectorChannel {
  phoneNumberId: string;
  accessToken: string;
  /** Signs every webhook POST (X-Hub-Signature-256). */
  appSecret: string;
  /** The verify token of the GET handshake: the random secret the api generated for the channel. */
  verifyToken: string;
  businessAccountId?: string;
}

/**
 * A WhatsApp channel's state from its record (the kit's ChannelStatePort): the phone number id from the public
 * settings, the access token and app secret from the encrypted credentials, the verify token from the generated
 * webhook secret. A record missing any of them is unusable (throws; the kit logs and ignores it).
 */
export function resolveWhatsappChannel(base: ConnectorChannel, secrets: ChannelSecrets): WhatsappChannelState {
  const phoneNumberId = base.settings.phoneNumberId;
  const { accessToken, appSecret } = secrets.credentials;
  if (typeof phoneNumberId !== 'string' || phoneNumberId === '') throw new Error(`channel ${base.channelId} has no phoneNumberId`);
  if (typeof accessToken !== 'string' || accessToken === '') throw new Error(`channel ${base.channelId} has no access token`);
  if (typeof appSecret !== 'string' || appSecret === '') throw new Error(`channel ${base.channelId} has no app secret`);
  if (!secrets.webhookSecret) throw new Error(`channel ${base.channelId} has no verify token`);
  const waba = base.settings.businessAccountId;
  return { ...base, phoneNumberId, accessToken, appSecret, verifyToken: secrets.webhookSecret, ...(typeof waba === 'string' && waba ? { businessAccountId: waba } : {}) };
}
