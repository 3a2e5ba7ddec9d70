import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State of connector-vk (issue 12):
 * - `vk_send_sequences`: per channel, the last `random_id` handed out for messages.send — VK's idempotency key is a
 *   32-bit integer that must never repeat for the community, so it comes from this counter, not from a hash;
 * - `vk_send_random_ids`: which random_id each part of an outbound message got, so a re-delivery after a restart sends
 *   the same key and VK does not deliver it twice (unique per channel: a key is never reused);
 * - `vk_message_permissions`: what message_allow / message_deny (and a later message of the user) said about the
 *   community's permission to write to a user. Frozen once landed.
 */
export class VkConnector1796125064579 implements MigrationInterface {
  name = 'VkConnector1796125064579';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "vk_send_sequences" (
        "channel_id"     uuid    NOT NULL,
        "account_id"     uuid    NOT NULL,
        "last_random_id" integer NOT NULL,
        CONSTRAINT "pk_vk_send_sequences" PRIMARY KEY ("channel_id"),
        CONSTRAINT "fk_vk_send_sequences_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_vk_send_sequences_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_vk_send_sequences_last_random_id" CHECK ("last_random_id" > 0)
      )`);
    await q.query(`CREATE INDEX "idx_vk_send_sequences_account_id" ON "vk_send_sequences" ("account_id")`);

    await q.query(`
      CREATE TABLE "vk_send_random_ids" (
        "channel_id" uuid        NOT NULL,
        "message_id" uuid        NOT NULL,
        "part"       integer     NOT NULL,
        "account_id" uuid        NOT NULL,
        "random_id"  integer     NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_vk_send_random_ids" PRIMARY KEY ("channel_id", "message_id", "part"),
        CONSTRAINT "uq_vk_send_random_ids_random_id" UNIQUE ("channel_id", "random_id"),
        CONSTRAINT "fk_vk_send_random_ids_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_vk_send_random_ids_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_vk_send_random_ids_account_id" ON "vk_send_random_ids" ("account_id")`);
    await q.query(`CREATE INDEX "idx_vk_send_random_ids_created_at" ON "vk_send_random_ids" ("created_at")`);

    await q.query(`
      CREATE TABLE "vk_message_permissions" (
        "channel_id" uuid        NOT NULL,
        "user_id"    bigint      NOT NULL,
        "account_id" uuid        NOT NULL,
        "allowed"    boolean     NOT NULL,
        "changed_at" timestamptz NOT NULL,
        CONSTRAINT "pk_vk_message_permissions" PRIMARY KEY ("channel_id", "user_id"),
        CONSTRAINT "fk_vk_message_permissions_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_vk_message_permissions_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_vk_message_permissions_account_id" ON "vk_message_permissions" ("account_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "vk_message_permissions"`);
    await q.query(`DROP TABLE "vk_send_random_ids"`);
    await q.query(`DROP TABLE "vk_send_sequences"`);
  }
}
