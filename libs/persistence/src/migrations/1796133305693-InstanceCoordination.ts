import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What several instances of a service coordinate through (issue 16, horizontal scale):
 * - `leases`: a named lease (e.g. `connector:telegram:channel:<id>`) held by one process until `expires_at`; taken or
 *   renewed with one atomic upsert, taken over by another holder once expired (a dead instance's lease).
 * - `send_rate_limits`: a send budget shared by every instance (a connector's per-channel limit), as a GCRA
 *   "theoretical arrival time": one UPDATE … RETURNING per send reserves the next slot.
 * Times are the database's clock (one clock for every instance). Frozen once landed.
 */
export class InstanceCoordination1796133305693 implements MigrationInterface {
  name = 'InstanceCoordination1796133305693';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "leases" (
        "name"       text        NOT NULL,
        "holder"     text        NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_leases" PRIMARY KEY ("name")
      )`);
    await q.query(`CREATE INDEX "idx_leases_holder" ON "leases" ("holder")`);
    await q.query(`
      CREATE TABLE "send_rate_limits" (
        "name"       text        NOT NULL,
        "next_at"    timestamptz NOT NULL,
        CONSTRAINT "pk_send_rate_limits" PRIMARY KEY ("name")
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "send_rate_limits"`);
    await q.query(`DROP TABLE "leases"`);
  }
}
