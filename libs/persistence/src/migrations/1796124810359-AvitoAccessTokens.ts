import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access token of each Avito channel (client credentials, 24 h, no refresh token), shared by every
 * connector-avito instance so they use one token instead of one per process. Encrypted with SECRETS_KEY; refreshed
 * one at a time per channel under a transaction-scoped advisory lock. Frozen once landed.
 */
export class AvitoAccessTokens1796124810359 implements MigrationInterface {
  name = 'AvitoAccessTokens1796124810359';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "avito_access_tokens" (
        "channel_id"       uuid        NOT NULL,
        "account_id"       uuid        NOT NULL,
        "client_id"        text        NOT NULL,
        "token_ciphertext" text        NOT NULL,
        "expires_at"       timestamptz NOT NULL,
        "updated_at"       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_avito_access_tokens" PRIMARY KEY ("channel_id"),
        CONSTRAINT "fk_avito_access_tokens_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_avito_access_tokens_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_avito_access_tokens_account_id" ON "avito_access_tokens" ("account_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "avito_access_tokens"`);
  }
}
