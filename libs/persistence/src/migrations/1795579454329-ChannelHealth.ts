import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel health as the connectors report it on channels.status.v1 (`channel.health`: active | degraded |
 * needs-reauth | disconnected, with a cause code and a message), shown by GET /channels. Frozen once landed.
 */
export class ChannelHealth1795579454329 implements MigrationInterface {
  name = 'ChannelHealth1795579454329';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "ck_channels_health_status"`);
    await q.query(`
      UPDATE "channels" SET "health_status" = CASE "health_status"
        WHEN 'healthy' THEN 'active' WHEN 'unhealthy' THEN 'disconnected' ELSE "health_status" END`);
    await q.query(
      `ALTER TABLE "channels" ADD CONSTRAINT "ck_channels_health_status" CHECK ("health_status" IN ('unknown', 'active', 'degraded', 'needs-reauth', 'disconnected'))`,
    );
    await q.query(`ALTER TABLE "channels" ADD "health_cause_code" text`);
    await q.query(`ALTER TABLE "channels" ADD "health_message" text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP COLUMN "health_message"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "health_cause_code"`);
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "ck_channels_health_status"`);
    await q.query(`
      UPDATE "channels" SET "health_status" = CASE "health_status"
        WHEN 'active' THEN 'healthy' WHEN 'needs-reauth' THEN 'unhealthy' WHEN 'disconnected' THEN 'unhealthy' ELSE "health_status" END`);
    await q.query(
      `ALTER TABLE "channels" ADD CONSTRAINT "ck_channels_health_status" CHECK ("health_status" IN ('unknown', 'healthy', 'degraded', 'unhealthy'))`,
    );
  }
}
