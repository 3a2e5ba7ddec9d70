import type { ChannelConfigData, ChannelStatus, ChannelType } from '@crm/contracts';

/** What every connector knows about one of its channels (from its channels.config.v1 record). */
export interface ConnectorChannel {
  channelId: string;
  accountId: string;
  type: ChannelType;
  name: string;
  status: ChannelStatus;
  revision: number;
  /** Non-secret settings of the type (VK groupId, WhatsApp phoneNumberId…). */
  settings: Record<string, unknown>;
}

/** The credentials of a record, decrypted by the kit with the keyring (memory only, never logged). */
export interface ChannelSecrets {
  /** `encryptedSecrets` decrypted (the type's secret settings, e.g. `{ botToken }`); {} when the record has none. */
  credentials: Record<string, unknown>;
  /** `webhookSecret` decrypted (the random secret the api generated for the channel), or null. */
  webhookSecret: string | null;
  /** The derivation key (SECRETS_DERIVATION_KEY_ID; the lone SECRETS_KEY), for types that derive a secret from it. */
  secretsKey: Buffer;
}

/**
 * PORT — turns a channel's config record into the connector's state of it (its credentials read and checked).
 * Throw when the record is unusable (no token…): the record is logged and ignored, the channel stays unknown.
 */
export interface ChannelStatePort<S extends ConnectorChannel> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets, record: ChannelConfigData): S;
}

/** One channel's state before and after a record (undefined = unknown / deleted). */
export interface ChannelChange<S extends ConnectorChannel = ConnectorChannel> {
  channelId: string;
  before?: S;
  after?: S;
}
