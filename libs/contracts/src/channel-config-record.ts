import { encodeEnvelope } from './codec';
import { createEnvelope, EventEnvelope, HEADER_CHANNEL_TYPE } from './envelope';
import type { ChannelStatus, ChannelType } from './enums';
import { channelConfigKey } from './keys';
import { CHANNEL_CONFIG_TYPE, ChannelConfigData } from './payloads/channel-config';
import { Topics } from './topics';

/** What a channel row holds that its channels.config.v1 record carries (the columns of `channels`, camelCased). */
export interface ChannelConfigSource {
  id: string;
  accountId: string;
  type: ChannelType;
  name: string;
  status: ChannelStatus;
  settings: Record<string, unknown>;
  publicKey: string | null;
  secretsEncrypted: string | null;
  webhookSecretEncrypted: string | null;
  revision: number;
  updatedAt: Date;
}

/** One channels.config.v1 record: base topic, key (the channel id), validated envelope and its x-channel-type header. */
export interface ChannelConfigRecord {
  topic: typeof Topics.ChannelsConfig;
  key: string;
  envelope: EventEnvelope<ChannelConfigData>;
  headers: Record<string, string>;
}

/**
 * The latest-state record of a channel for the connectors — the one builder every producer of channels.config.v1 uses
 * (the api's publisher, `npm run secrets:rotate`). Credentials travel only in their stored encrypted form; the
 * envelope is validated against the contract here, so no plaintext credential can slip into `settings`.
 */
export function channelConfigRecord(row: ChannelConfigSource): ChannelConfigRecord {
  const data: ChannelConfigData = {
    channelId: row.id,
    accountId: row.accountId,
    type: row.type,
    name: row.name,
    status: row.status,
    settings: { ...row.settings, ...(row.publicKey ? { publicKey: row.publicKey } : {}) },
    encryptedSecrets: row.secretsEncrypted,
    webhookSecret: row.webhookSecretEncrypted,
    revision: row.revision,
    updatedAt: row.updatedAt.toISOString(),
  };
  const envelope = createEnvelope(CHANNEL_CONFIG_TYPE, data, { accountId: row.accountId, channelId: row.id, occurredAt: row.updatedAt });
  encodeEnvelope(envelope);
  // x-channel-type: each connector keeps only its type's records without decoding the others.
  return { topic: Topics.ChannelsConfig, key: channelConfigKey(row.id), envelope, headers: { [HEADER_CHANNEL_TYPE]: row.type } };
}
