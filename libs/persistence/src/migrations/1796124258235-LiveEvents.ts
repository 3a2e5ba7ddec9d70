import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser-usable live events (DESIGN §4 GET /events):
 * - `live_events`: every event the api streams, numbered by a durable sequence (the SSE `id:`), so a reconnect to any
 *   api instance replays what it missed; written once per source event (unique on the envelope id) and pruned after
 *   the retention window.
 * - `event_tickets`: single-use tickets for `EventSource` (which cannot send headers), bound to the user, the account
 *   and the expiry of the JWT that asked for them; only a SHA-256 of the ticket is stored. Frozen once landed.
 */
export class LiveEvents1796124258235 implements MigrationInterface {
  name = 'LiveEvents1796124258235';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "live_events" (
        "id"         bigserial   NOT NULL,
        "account_id" uuid        NOT NULL,
        "source_id"  uuid        NOT NULL,
        "type"       text        NOT NULL,
        "data"       jsonb       NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_live_events" PRIMARY KEY ("id"),
        CONSTRAINT "uq_live_events_source_id" UNIQUE ("source_id"),
        CONSTRAINT "fk_live_events_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_live_events_account_id" ON "live_events" ("account_id", "id")`);
    await q.query(`CREATE INDEX "idx_live_events_created_at" ON "live_events" ("created_at")`);

    await q.query(`
      CREATE TABLE "event_tickets" (
        "ticket_hash"      text        NOT NULL,
        "account_id"       uuid        NOT NULL,
        "user_id"          text        NOT NULL,
        "role"             text        NOT NULL,
        "token_expires_at" timestamptz NOT NULL,
        "expires_at"       timestamptz NOT NULL,
        "created_at"       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_event_tickets" PRIMARY KEY ("ticket_hash"),
        CONSTRAINT "fk_event_tickets_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_event_tickets_role" CHECK ("role" IN ('admin', 'agent'))
      )`);
    await q.query(`CREATE INDEX "idx_event_tickets_account_id" ON "event_tickets" ("account_id")`);
    await q.query(`CREATE INDEX "idx_event_tickets_expires_at" ON "event_tickets" ("expires_at")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "event_tickets"`);
    await q.query(`DROP TABLE "live_events"`);
  }
}
