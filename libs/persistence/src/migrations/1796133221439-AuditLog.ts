import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (DESIGN §4 GET /audit): one row per sensitive action on personal data (a client merged, exported,
 * erased…), written inside the transaction of the action itself. `details` never carries personal data (ids and
 * counts only), so an erasure leaves the log intact. `action` and `entity` are checked for their format only, so a
 * new action needs no migration. Frozen once landed.
 */
export class AuditLog1796133221439 implements MigrationInterface {
  name = 'AuditLog1796133221439';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_log" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid        NOT NULL,
        "at"         timestamptz NOT NULL DEFAULT now(),
        "user_id"    text        NOT NULL,
        "action"     text        NOT NULL,
        "entity"     text        NOT NULL,
        "entity_id"  uuid        NOT NULL,
        "details"    jsonb       NOT NULL DEFAULT '{}',
        CONSTRAINT "pk_audit_log" PRIMARY KEY ("id"),
        CONSTRAINT "fk_audit_log_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_audit_log_action" CHECK ("action" ~ '^[a-z]+\\.[a-z_]+$'),
        CONSTRAINT "ck_audit_log_entity" CHECK ("entity" ~ '^[a-z_]+$')
      )`);
    await q.query(`CREATE INDEX "idx_audit_log_account_at" ON "audit_log" ("account_id", "at", "id")`);
    await q.query(`CREATE INDEX "idx_audit_log_account_entity_id" ON "audit_log" ("account_id", "entity_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
  }
}
