import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNEL_CONFIG_TYPE, ChannelConfigData, channelConfigKey, createEnvelope, encodeEnvelope, HEADER_CHANNEL_TYPE, Topics } from '@crm/contracts';
import { enqueueOutbox } from '@crm/outbox';
import type { ChannelEntity } from '@crm/persistence';

/**
 * Every change of a channel goes to channels.config.v1 (compacted, key = channel id) through the transactional outbox,
 * in the same transaction as the change: a crash between commit and Kafka loses nothing. Credentials travel only in
 * their encrypted form.
 */
@Injectable()
export class ChannelConfigPublisher {
  async published(manager: EntityManager, row: ChannelEntity, correlationId?: string): Promise<void> {
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
    encodeEnvelope(envelope); // validates against the contract (no plaintext credential can slip into settings)
    // x-channel-type: each connector keeps only its type's records without decoding the others.
    await enqueueOutbox(manager, [{ accountId: row.accountId, topic: Topics.ChannelsConfig, key: channelConfigKey(row.id), envelope, correlationId, headers: { [HEADER_CHANNEL_TYPE]: row.type } }]);
  }

  /** The tombstone (null value) that tells connectors the channel is gone. */
  async deleted(manager: EntityManager, row: Pick<ChannelEntity, 'id' | 'accountId'>, correlationId?: string): Promise<void> {
    await enqueueOutbox(manager, [
      { accountId: row.accountId, topic: Topics.ChannelsConfig, key: channelConfigKey(row.id), envelope: null, eventType: CHANNEL_CONFIG_TYPE, correlationId },
    ]);
  }
}
