import type { MigrationInterface, QueryRunner } from 'typeorm';

const TYPES_AT_LANDING = "'telegram', 'whatsapp', 'vk', 'avito', 'widget'";
const FORMAT = "'^[a-z][a-z0-9-]{0,31}$'";

/**
 * Channel types are one list in @crm/contracts (ChannelType), registered by their adapters; the database no longer
 * repeats that list in CHECK constraints (a new channel type would need a migration each time) and checks only the
 * format of a type instead. Writers (the api, lead-routing) validate types against the contracts' list.
 * down() restores the list as it was when this migration landed. Frozen once landed.
 */
export class ChannelTypeFormat1796125688257 implements MigrationInterface {
  name = 'ChannelTypeFormat1796125688257';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "ck_channels_type"`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "ck_channels_type" CHECK ("type" ~ ${FORMAT})`);
    await q.query(`ALTER TABLE "client_identities" DROP CONSTRAINT "ck_client_identities_channel_type"`);
    await q.query(`ALTER TABLE "client_identities" ADD CONSTRAINT "ck_client_identities_channel_type" CHECK ("channel_type" ~ ${FORMAT})`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "client_identities" DROP CONSTRAINT "ck_client_identities_channel_type"`);
    await q.query(`ALTER TABLE "client_identities" ADD CONSTRAINT "ck_client_identities_channel_type" CHECK ("channel_type" IN (${TYPES_AT_LANDING}))`);
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "ck_channels_type"`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "ck_channels_type" CHECK ("type" IN (${TYPES_AT_LANDING}))`);
  }
}
