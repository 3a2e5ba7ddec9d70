import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `reply_requests`: the Idempotency-Key of an agent's reply (POST /dialogs/:id/messages) and the message it created,
 * so a repeated request (a retry after a timeout, a double click) returns that message instead of sending the customer
 * a second one. A table of its own: nothing is added to `messages` (no index build over a large table).
 */
export class ReplyRequests1796289127322 implements MigrationInterface {
  name = 'ReplyRequests1796289127322';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "reply_requests" (
        "account_id"      uuid        NOT NULL,
        "idempotency_key" text        NOT NULL,
        "message_id"      uuid        NOT NULL,
        "fingerprint"     text        NOT NULL,
        "created_at"      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_reply_requests" PRIMARY KEY ("account_id", "idempotency_key"),
        CONSTRAINT "fk_reply_requests_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_reply_requests_message" FOREIGN KEY ("message_id") REFERENCES "messages" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_reply_requests_message_id" ON "reply_requests" ("message_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "reply_requests"`);
  }
}
