import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log of every connector (libs/connector-kit): one row per outbound message, written `sending` before
 * the platform is called and `done` with the outcome after, so a redelivered send command never reaches the customer
 * twice and a send interrupted midway ends failed SEND_OUTCOME_UNKNOWN. Replaces the processed_events rows of
 * connector-telegram.outbound, which are carried over as done and published. Frozen once landed.
 */
export class OutboundDeliveries1796124759225 implements MigrationInterface {
  name = 'OutboundDeliveries1796124759225';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "outbound_deliveries" (
        "account_id"   uuid        NOT NULL,
        "message_id"   uuid        NOT NULL,
        "channel_id"   uuid        NOT NULL,
        "channel_type" text        NOT NULL,
        "state"        text        NOT NULL,
        "attempts"     integer     NOT NULL DEFAULT 1,
        "outcome"      jsonb,
        "published_at" timestamptz,
        "created_at"   timestamptz NOT NULL DEFAULT now(),
        "updated_at"   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_outbound_deliveries" PRIMARY KEY ("account_id", "message_id"),
        CONSTRAINT "ck_outbound_deliveries_state" CHECK ("state" IN ('sending', 'done'))
      )`);
    await q.query(`CREATE INDEX "idx_outbound_deliveries_created_at" ON "outbound_deliveries" ("created_at")`);
    await q.query(`
      INSERT INTO "outbound_deliveries" ("account_id", "message_id", "channel_id", "channel_type", "state", "outcome", "published_at")
      SELECT m."account_id", m."id", m."channel_id", c."type", 'done', jsonb_build_object('carriedOver', true), now()
        FROM "processed_events" p
        JOIN "messages" m ON m."id"::text = p."event_id" AND m."direction" = 'out'
        JOIN "channels" c ON c."id" = m."channel_id" AND c."account_id" = m."account_id"
       WHERE p."consumer" = 'connector-telegram.outbound'
      ON CONFLICT DO NOTHING`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbound_deliveries"`);
  }
}
