import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { VkChannelState } from '@crm/platform-vk';

type Channel = Pick<VkChannelState, 'channelId' | 'accountId'>;

/**
 * The community's permission to write to a user (table vk_message_permissions): message_allow / message_deny set it;
 * a later message of the user allows again (VK lets a community answer whoever writes to it). No row = never said.
 * Every query is scoped to the channel's account.
 */
@Injectable()
export class MessagePermissionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** message_allow / message_deny at `at`; an older event than the stored one changes nothing. */
  async record(channel: Channel, userId: number, allowed: boolean, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO vk_message_permissions (channel_id, user_id, account_id, allowed, changed_at)
       SELECT $1, $2, $3, $4, $5 FROM channels WHERE id = $1 AND account_id = $3
       ON CONFLICT (channel_id, user_id) DO UPDATE SET allowed = EXCLUDED.allowed, changed_at = EXCLUDED.changed_at
        WHERE vk_message_permissions.account_id = EXCLUDED.account_id AND vk_message_permissions.changed_at <= EXCLUDED.changed_at`,
      [channel.channelId, userId, channel.accountId, allowed, at],
    );
  }

  /** Users wrote (channel, user, when): a denial recorded before that no longer holds. One statement for all. */
  async allowAfterMessages(writes: ReadonlyArray<{ channel: Channel; userId: number; at: Date }>): Promise<void> {
    if (writes.length === 0) return;
    await this.dataSource.query(
      `UPDATE vk_message_permissions p SET allowed = true, changed_at = w.at
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[]) AS w(channel_id, account_id, user_id, at)
        WHERE p.channel_id = w.channel_id AND p.account_id = w.account_id AND p.user_id = w.user_id AND NOT p.allowed AND p.changed_at < w.at`,
      [writes.map((w) => w.channel.channelId), writes.map((w) => w.channel.accountId), writes.map((w) => w.userId), writes.map((w) => w.at)],
    );
  }

  /** true when the user's last word was message_deny. */
  async isDenied(channel: Channel, userId: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT allowed FROM vk_message_permissions WHERE channel_id = $1 AND user_id = $2 AND account_id = $3`,
      [channel.channelId, userId, channel.accountId],
    )) as Array<{ allowed: boolean }>;
    return rows.length > 0 && rows[0].allowed === false;
  }
}
