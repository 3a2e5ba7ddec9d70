import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel types that had no connector receiving their messages when this migration landed (issue 9 §7). */
const UNAVAILABLE_TYPES = ['whatsapp', 'vk', 'avito'];
const REASON = 'CHANNEL_TYPE_UNAVAILABLE';

/**
 * The changed channels' new state on channels.config.v1 through the outbox (as ChannelConfigPublisher writes it:
 * `channel.config` envelope v1, key = channel id, credentials only in their stored encrypted form), so a connector
 * that lands later does not serve a channel from its last `active` record.
 */
const PUBLISH = `
  INSERT INTO "outbox" ("account_id", "topic", "message_key", "event_type", "payload", "headers")
  SELECT c."account_id", 'channels.config.v1', c."id"::text, 'channel.config',
         jsonb_build_object(
           'id', e."id", 'type', 'channel.config', 'version', 1, 'occurredAt', e."at", 'accountId', c."account_id", 'channelId', c."id",
           'data', jsonb_build_object(
             'channelId', c."id", 'accountId', c."account_id", 'type', c."type", 'name', c."name", 'status', c."status",
             'settings', c."settings" || CASE WHEN c."public_key" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('publicKey', c."public_key") END,
             'encryptedSecrets', c."secrets_encrypted", 'webhookSecret', c."webhook_secret_encrypted",
             'revision', c."revision", 'updatedAt', e."at")),
         jsonb_build_object('x-event-type', 'channel.config', 'x-correlation-id', e."id", 'x-channel-type', c."type")
    FROM changed c
   CROSS JOIN LATERAL (
     SELECT gen_random_uuid()::text AS "id", to_char(c."updated_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at"
   ) e`;

/**
 * Channels of types without a connector were shown as working while nothing received their messages. They become
 * `inactive` with status reason CHANNEL_TYPE_UNAVAILABLE — kept, not deleted, next revision published — and stay so
 * when their type becomes available, until an admin activates them (which runs the real credential check). Channels
 * already inactive (turned off by an admin) and deleted ones are left as they are.
 *
 * down() cannot know the status a channel had before (active, or error with a reason): it sets every channel that
 * still carries this reason back to `active` without a reason (and publishes that). Frozen once landed.
 */
export class UnavailableChannelTypes1796124372023 implements MigrationInterface {
  name = 'UnavailableChannelTypes1796124372023';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `WITH changed AS (
         UPDATE "channels" SET "status" = 'inactive', "status_reason" = $1, "revision" = "revision" + 1, "updated_at" = now()
          WHERE "type" = ANY($2::text[]) AND "status" <> 'inactive' AND "deleted_at" IS NULL
         RETURNING *
       ) ${PUBLISH}`,
      [REASON, UNAVAILABLE_TYPES],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `WITH changed AS (
         UPDATE "channels" SET "status" = 'active', "status_reason" = NULL, "revision" = "revision" + 1, "updated_at" = now()
          WHERE "type" = ANY($2::text[]) AND "status" = 'inactive' AND "status_reason" = $1 AND "deleted_at" IS NULL
         RETURNING *
       ) ${PUBLISH}`,
      [REASON, UNAVAILABLE_TYPES],
    );
  }
}
