import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InboundMessageData } from '@crm/contracts';

/** Identifies one album of one channel (and its tenant). */
export interface AlbumRef {
  accountId: string;
  channelId: string;
  albumId: string;
}

/** Outcome of trying to publish an album. */
export type AlbumTake = 'published' | 'not-quiet' | 'empty';

/** The album parts connector-telegram acknowledged and holds in Postgres until the album is complete. */
@Injectable()
export class AlbumPartsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores one part durably (a redelivered part is stored once). */
  async store(album: AlbumRef, part: InboundMessageData): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO telegram_album_parts (channel_id, media_group_id, external_message_id, account_id, external_chat_id, message)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [album.channelId, album.albumId, part.externalMessageId, album.accountId, part.externalChatId, JSON.stringify(part)],
    );
  }

  /**
   * Locks the album's parts and, unless one arrived within `quietMs`, hands them to `publish` and deletes exactly
   * those parts in the same transaction: a failed publish leaves them for the next try, and two instances never
   * publish the same parts (the second one finds them gone).
   */
  async take(album: AlbumRef, quietMs: number, publish: (parts: InboundMessageData[]) => Promise<void>): Promise<AlbumTake> {
    return this.dataSource.transaction(async (em) => {
      const rows: Array<{ external_message_id: string; message: InboundMessageData; recent: boolean }> = await em.query(
        `SELECT external_message_id, message, received_at > clock_timestamp() - make_interval(secs => $4::float8 / 1000) AS recent
           FROM telegram_album_parts
          WHERE account_id = $1 AND channel_id = $2 AND media_group_id = $3
          ORDER BY received_at
          FOR UPDATE`,
        [album.accountId, album.channelId, album.albumId, quietMs],
      );
      if (rows.length === 0) return 'empty';
      if (rows.some((r) => r.recent)) return 'not-quiet';
      await publish(rows.map((r) => r.message));
      await em.query(
        `DELETE FROM telegram_album_parts WHERE account_id = $1 AND channel_id = $2 AND media_group_id = $3 AND external_message_id = ANY($4)`,
        [album.accountId, album.channelId, album.albumId, rows.map((r) => r.external_message_id)],
      );
      return 'published';
    });
  }

  /** Albums of every tenant whose newest part is older than `quietMs` (left by a crash, another instance, an outage). */
  async quietAlbums(quietMs: number, limit = 100): Promise<AlbumRef[]> {
    const rows: Array<{ account_id: string; channel_id: string; media_group_id: string }> = await this.dataSource.query(
      `SELECT account_id, channel_id, media_group_id
         FROM telegram_album_parts
        GROUP BY account_id, channel_id, media_group_id
       HAVING max(received_at) < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
        LIMIT $2`,
      [quietMs, limit],
    );
    return rows.map((r) => ({ accountId: r.account_id, channelId: r.channel_id, albumId: r.media_group_id }));
  }
}
