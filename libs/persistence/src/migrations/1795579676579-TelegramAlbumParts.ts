import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Parts of Telegram albums (same media_group_id) held by connector-telegram until the album is complete. Telegram
 * delivers one chat's updates one at a time and waits for each answer, so every part must be acknowledged — hence
 * stored durably — before the next one comes; the parts are combined into one inbound message once no new part has
 * arrived for a short while, and deleted in the transaction that publishes it. Frozen once landed.
 */
export class TelegramAlbumParts1795579676579 implements MigrationInterface {
  name = 'TelegramAlbumParts1795579676579';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "telegram_album_parts" (
        "channel_id"          uuid        NOT NULL,
        "media_group_id"      text        NOT NULL,
        "external_message_id" text        NOT NULL,
        "account_id"          uuid        NOT NULL,
        "external_chat_id"    text        NOT NULL,
        "message"             jsonb       NOT NULL,
        "received_at"         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_telegram_album_parts" PRIMARY KEY ("channel_id", "media_group_id", "external_message_id"),
        CONSTRAINT "fk_telegram_album_parts_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_telegram_album_parts_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_telegram_album_parts_account_id" ON "telegram_album_parts" ("account_id")`);
    await q.query(`CREATE INDEX "idx_telegram_album_parts_received_at" ON "telegram_album_parts" ("received_at")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "telegram_album_parts"`);
  }
}
