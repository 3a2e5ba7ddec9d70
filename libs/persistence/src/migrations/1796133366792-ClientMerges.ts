import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who was merged into whom (POST /clients/:id/merge, DESIGN §4): one row per merge. The merged client's row is deleted
 * by the merge (its identities, dialogs and leads now belong to the survivor), so neither id carries a foreign key:
 * the history outlives both rows (the survivor may itself be merged or erased later). A client is merged once.
 */
export class ClientMerges1796133366792 implements MigrationInterface {
  name = 'ClientMerges1796133366792';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "client_merges" (
        "id"               uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"       uuid        NOT NULL,
        "merged_client_id" uuid        NOT NULL,
        "into_client_id"   uuid        NOT NULL,
        "merged_at"        timestamptz NOT NULL DEFAULT now(),
        "user_id"          text        NOT NULL,
        CONSTRAINT "pk_client_merges" PRIMARY KEY ("id"),
        CONSTRAINT "fk_client_merges_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "uq_client_merges_merged_client" UNIQUE ("merged_client_id"),
        CONSTRAINT "ck_client_merges_not_itself" CHECK ("merged_client_id" <> "into_client_id")
      )`);
    await q.query(`CREATE INDEX "idx_client_merges_account_into" ON "client_merges" ("account_id", "into_client_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "client_merges"`);
  }
}
