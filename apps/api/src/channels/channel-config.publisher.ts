import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNEL_CONFIG_TYPE, channelConfigKey, channelConfigRecord, Topics } from '@crm/contracts';
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
    // channelConfigRecord validates the envelope against the contract and adds the x-channel-type header.
    await enqueueOutbox(manager, [{ accountId: row.accountId, ...channelConfigRecord(row), correlationId }]);
  }

  /** The tombstone (null value) that tells connectors the channel is gone. */
  async deleted(manager: EntityManager, row: Pick<ChannelEntity, 'id' | 'accountId'>, correlationId?: string): Promise<void> {
    await enqueueOutbox(manager, [
      { accountId: row.accountId, topic: Topics.ChannelsConfig, key: channelConfigKey(row.id), envelope: null, eventType: CHANNEL_CONFIG_TYPE, correlationId },
    ]);
  }
}
