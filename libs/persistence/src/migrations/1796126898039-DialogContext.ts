import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform extras of a conversation (DESIGN §4 dialog `context`, e.g. the Avito listing `{ item: { id, title,
 * url, price } }`), written by lead-routing from the inbound messages. Frozen once landed.
 */
export class DialogContext1796126898039 implements MigrationInterface {
  name = 'DialogContext1796126898039';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dialogs" ADD COLUMN "context" jsonb`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dialogs" DROP COLUMN "context"`);
  }
}
