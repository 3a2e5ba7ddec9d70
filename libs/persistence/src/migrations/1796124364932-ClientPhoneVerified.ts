import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DESIGN §7.2: only a verified phone (WhatsApp's sender number, a Telegram contact the sender shared about themselves)
 * matches a client; a phone typed by a widget visitor is kept on the client it created but matches nobody.
 * `clients.phone_verified` records which. Existing clients: their phone is verified unless it came from a widget
 * visitor (a client created by a widget identity); until now Telegram only gave the sender's own shared contact, and
 * clients entered by the business count as verified. Also an index for a client's possible duplicates (other
 * identities of the account with the same phone). Frozen once landed.
 */
export class ClientPhoneVerified1796124364932 implements MigrationInterface {
  name = 'ClientPhoneVerified1796124364932';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "clients" ADD "phone_verified" boolean NOT NULL DEFAULT false`);
    await q.query(`
      UPDATE "clients" c SET "phone_verified" = true
       WHERE c."phone_e164" IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM "client_identities" ci
            WHERE ci."client_id" = c."id" AND ci."account_id" = c."account_id" AND ci."channel_type" = 'widget' AND ci."match_rule" = 'created')`);
    await q.query(`CREATE INDEX "idx_client_identities_account_phone" ON "client_identities" ("account_id", "phone_e164")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_client_identities_account_phone"`);
    await q.query(`ALTER TABLE "clients" DROP COLUMN "phone_verified"`);
  }
}
