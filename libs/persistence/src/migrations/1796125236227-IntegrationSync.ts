import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forwarding to external CRMs (DESIGN §7a, the integrations service):
 * - `channels.integration_linked_at`: when the channel was linked to its integration — only events after it are
 *   forwarded (no history dump). Kept by a trigger whenever `integration_id` is set or changed, whoever writes it;
 *   channels linked before this migration count as linked now.
 * - `integration_sync_jobs` becomes the per-record sync state: states pending | synced | failed (in_progress → pending,
 *   dead → failed), `seq` (the order records were recorded in: contact, lead, comments), the lead / dialog / channel
 *   they belong to, `parent_id` (the record this one needs first: a lead's contact, a comment's lead), `needs_lookup`
 *   (an attempt may have created it: look it up before creating) and `phone_searched` (the verified phone was searched).
 * - `integration_rate_limits`: per-integration leaky bucket and backoff, shared by every instance of the service; its
 *   row is what a worker locks (FOR UPDATE SKIP LOCKED) while it forwards for that integration.
 * Frozen once landed.
 */
export class IntegrationSync1796125236227 implements MigrationInterface {
  name = 'IntegrationSync1796125236227';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" ADD "integration_linked_at" timestamptz`);
    await q.query(`UPDATE "channels" SET "integration_linked_at" = now() WHERE "integration_id" IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION "channels_integration_linked_at"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."integration_id" IS NULL THEN
          NEW."integration_linked_at" := NULL;
        ELSIF TG_OP = 'INSERT' OR NEW."integration_id" IS DISTINCT FROM OLD."integration_id" THEN
          NEW."integration_linked_at" := now();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER "trg_channels_integration_linked_at" BEFORE INSERT OR UPDATE OF "integration_id" ON "channels"
        FOR EACH ROW EXECUTE FUNCTION "channels_integration_linked_at"()`);

    await q.query(`ALTER TABLE "integration_sync_jobs" DROP CONSTRAINT "ck_integration_sync_jobs_state"`);
    await q.query(`UPDATE "integration_sync_jobs" SET "state" = CASE "state" WHEN 'in_progress' THEN 'pending' WHEN 'dead' THEN 'failed' ELSE "state" END`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD CONSTRAINT "ck_integration_sync_jobs_state" CHECK ("state" IN ('pending', 'synced', 'failed'))`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "seq" bigserial NOT NULL`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "lead_id" uuid`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "dialog_id" uuid`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "channel_id" uuid`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "parent_id" uuid`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "needs_lookup" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "integration_sync_jobs" ADD "phone_searched" boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE "integration_sync_jobs" ADD CONSTRAINT "fk_integration_sync_jobs_parent" FOREIGN KEY ("parent_id") REFERENCES "integration_sync_jobs" ("id") ON DELETE CASCADE`,
    );
    await q.query(`CREATE INDEX "idx_integration_sync_jobs_integration_state_seq" ON "integration_sync_jobs" ("integration_id", "state", "seq")`);
    await q.query(`CREATE INDEX "idx_integration_sync_jobs_integration_lead_seq" ON "integration_sync_jobs" ("integration_id", "lead_id", "seq")`);
    await q.query(`CREATE INDEX "idx_integration_sync_jobs_parent_id" ON "integration_sync_jobs" ("parent_id")`);

    await q.query(`
      CREATE TABLE "integration_rate_limits" (
        "integration_id" uuid             NOT NULL,
        "account_id"     uuid             NOT NULL,
        "bucket_level"   double precision NOT NULL DEFAULT 0,
        "bucket_at"      timestamptz      NOT NULL DEFAULT now(),
        "blocked_until"  timestamptz      NOT NULL DEFAULT now(),
        "failures"       integer          NOT NULL DEFAULT 0,
        "updated_at"     timestamptz      NOT NULL DEFAULT now(),
        CONSTRAINT "pk_integration_rate_limits" PRIMARY KEY ("integration_id"),
        CONSTRAINT "fk_integration_rate_limits_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_integration_rate_limits_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_integration_rate_limits_failures" CHECK ("failures" >= 0)
      )`);
    await q.query(`CREATE INDEX "idx_integration_rate_limits_account_id" ON "integration_rate_limits" ("account_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "integration_rate_limits"`);
    await q.query(`DROP INDEX "idx_integration_sync_jobs_parent_id"`);
    await q.query(`DROP INDEX "idx_integration_sync_jobs_integration_lead_seq"`);
    await q.query(`DROP INDEX "idx_integration_sync_jobs_integration_state_seq"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP CONSTRAINT "fk_integration_sync_jobs_parent"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "phone_searched"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "needs_lookup"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "parent_id"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "channel_id"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "dialog_id"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "lead_id"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP COLUMN "seq"`);
    await q.query(`ALTER TABLE "integration_sync_jobs" DROP CONSTRAINT "ck_integration_sync_jobs_state"`);
    await q.query(
      `ALTER TABLE "integration_sync_jobs" ADD CONSTRAINT "ck_integration_sync_jobs_state" CHECK ("state" IN ('pending', 'in_progress', 'synced', 'failed', 'dead'))`,
    );

    await q.query(`DROP TRIGGER "trg_channels_integration_linked_at" ON "channels"`);
    await q.query(`DROP FUNCTION "channels_integration_linked_at"()`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "integration_linked_at"`);
  }
}
