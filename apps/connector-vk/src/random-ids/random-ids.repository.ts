import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { VkChannelState } from '@crm/platform-vk';

type Channel = Pick<VkChannelState, 'channelId' | 'accountId'>;

/** The channel's random_id sequence passed 2^31 − 1 (VK's random_id is a 32-bit integer). */
export class RandomIdsExhaustedError extends Error {
  constructor(channelId: string) {
    super(`the random_id sequence of channel ${channelId} is exhausted`);
    this.name = 'RandomIdsExhaustedError';
  }
}

/** PostgreSQL "integer out of range": the sequence would pass the 32-bit limit. */
const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

/**
 * messages.send `random_id`s (VK's idempotency key): taken from the channel's stored sequence (vk_send_sequences, a
 * counter that only grows, so a key never repeats for the channel), one per part of a message, and remembered per
 * (channel, message, part) in vk_send_random_ids — a message delivered again after a restart gets the same keys, so VK
 * does not deliver it twice. Scoped to the channel's account.
 */
@Injectable()
export class RandomIdsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The random_ids of parts 0…count−1 of the message (the ones it already has, new ones for the rest). */
  async assign(channel: Channel, messageId: string, count: number): Promise<number[]> {
    try {
      return await this.dataSource.transaction((m) => this.assignIn(m, channel, messageId, count));
    } catch (err) {
      if ((err as { code?: string }).code === NUMERIC_VALUE_OUT_OF_RANGE) throw new RandomIdsExhaustedError(channel.channelId);
      throw err;
    }
  }

  /** Forgets keys older than `days` (a message is not re-delivered that late). Returns how many. */
  async prune(days: number): Promise<number> {
    const [, deleted] = (await this.dataSource.query(`DELETE FROM vk_send_random_ids WHERE created_at < now() - make_interval(days => $1)`, [days])) as [unknown, number];
    return deleted;
  }

  private async assignIn(m: EntityManager, channel: Channel, messageId: string, count: number): Promise<number[]> {
    const known = (await m.query(
      `SELECT part, random_id FROM vk_send_random_ids WHERE channel_id = $1 AND message_id = $2 AND account_id = $3 AND part < $4`,
      [channel.channelId, messageId, channel.accountId, count],
    )) as Array<{ part: number; random_id: number }>;
    const ids = new Map(known.map((r) => [r.part, r.random_id]));
    const missing = Array.from({ length: count }, (_, part) => part).filter((part) => !ids.has(part));
    if (missing.length === 0) return [...ids.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
    const [row] = (await m.query(
      `INSERT INTO vk_send_sequences (channel_id, account_id, last_random_id)
       SELECT $1, $2, $3::integer FROM channels WHERE id = $1 AND account_id = $2
       ON CONFLICT (channel_id) DO UPDATE SET last_random_id = vk_send_sequences.last_random_id + EXCLUDED.last_random_id
        WHERE vk_send_sequences.account_id = EXCLUDED.account_id
       RETURNING last_random_id`,
      [channel.channelId, channel.accountId, missing.length],
    )) as Array<{ last_random_id: number }>;
    if (!row) throw new Error(`channel ${channel.channelId} of account ${channel.accountId} is not in the database`);
    const first = row.last_random_id - missing.length + 1;
    missing.forEach((part, i) => ids.set(part, first + i));
    await m.query(
      `INSERT INTO vk_send_random_ids (channel_id, message_id, part, account_id, random_id)
       SELECT $1, $2, p, $3, r FROM unnest($4::integer[], $5::integer[]) AS t(p, r)`,
      [channel.channelId, messageId, channel.accountId, missing, missing.map((part) => ids.get(part))],
    );
    return Array.from({ length: count }, (_, part) => ids.get(part)!);
  }
}
