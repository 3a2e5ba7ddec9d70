import { MigrationExecutor, type DataSource } from 'typeorm';
import { createDataSource, migrationStatus, revertAllMigrations, runMigrations } from '../data-source';
import { ALL_MIGRATIONS } from './index';
import { publicTables, schemaObjects, withClient } from '../testing/pg-introspection';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

const DATA_TABLES = [
  'accounts',
  'audit_log',
  'avito_access_tokens',
  'channels',
  'client_identities',
  'client_merges',
  'clients',
  'dialogs',
  'event_tickets',
  'funnel_stages',
  'funnels',
  'integration_rate_limits',
  'integration_sync_jobs',
  'integrations',
  'leads',
  'leases',
  'live_events',
  'message_revisions',
  'messages',
  'outbound_deliveries',
  'outbox',
  'processed_events',
  'reply_requests',
  'send_rate_limits',
  'telegram_album_parts',
  'vk_message_permissions',
  'vk_send_random_ids',
  'vk_send_sequences',
];

describe('migrations (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('go up, all the way down leaving only the migrations table, and up again', async () => {
    const before = await schemaObjects(db.url);
    expect(await publicTables(db.url)).toEqual([]);

    expect(await runMigrations(db.url)).toEqual(ALL_MIGRATIONS.map((m) => m.name));
    expect(await publicTables(db.url)).toEqual([...DATA_TABLES, 'migrations'].sort());
    expect(await runMigrations(db.url)).toEqual([]); // idempotent
    expect((await migrationStatus(db.url)).every((m) => m.applied)).toBe(true);

    expect(await revertAllMigrations(db.url)).toEqual(ALL_MIGRATIONS.map((m) => m.name).reverse());
    expect(await publicTables(db.url)).toEqual(['migrations']);
    const after = await schemaObjects(db.url);
    // Only TypeORM's own bookkeeping table survives: the table, its row/array types, id sequence and primary key.
    const added = after.filter((o) => !before.includes(o));
    const typeormOwn = /^(rel:r:migrations|rel:S:migrations_id_seq|type:_?migrations|constraint:PK_\w+|rel:i:PK_\w+)$/;
    expect(added.filter((o) => !typeormOwn.test(o))).toEqual([]);
    expect(added).toHaveLength(6);
    expect(before.filter((o) => !after.includes(o))).toEqual([]);
    expect((await migrationStatus(db.url)).some((m) => m.applied)).toBe(false);

    expect(await runMigrations(db.url)).toEqual(ALL_MIGRATIONS.map((m) => m.name));
    expect(await publicTables(db.url)).toEqual([...DATA_TABLES, 'migrations'].sort());
  });

  it('concurrent runs on one database are serialized: exactly one applies, the others find nothing pending', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const results = await Promise.all([runMigrations(fresh.url), runMigrations(fresh.url), runMigrations(fresh.url)]);
      expect(results.map((r) => r.length).sort()).toEqual([0, 0, ALL_MIGRATIONS.length]);
      expect(await publicTables(fresh.url)).toEqual([...DATA_TABLES, 'migrations'].sort());
    } finally {
      await fresh.drop();
    }
  });

  describe('on a migrated database', () => {
    let migrated: TestDatabase;
    let ds: DataSource;

    beforeAll(async () => {
      migrated = await createTestDatabase();
      ds = await createDataSource({ url: migrated.url }).initialize();
    });
    afterAll(async () => {
      await ds?.destroy();
      await migrated?.drop();
    });

    it('matches the entities exactly (TypeORM would generate no schema change)', async () => {
      const sql = await ds.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
      expect(await new MigrationExecutor(ds).getPendingMigrations()).toEqual([]);
    });

    it('uses gen_random_uuid() ids and installs no extension', async () => {
      const account = await ds.getRepository('AccountEntity').save({ name: 'Acme' });
      expect(account.id).toMatch(/^[0-9a-f-]{36}$/);
      const ext = await withClient(migrated.url, (c) => c.query(`SELECT extname FROM pg_extension ORDER BY 1`));
      expect(ext.rows.map((r) => r.extname)).toEqual(['plpgsql']);
    });
  });
});
