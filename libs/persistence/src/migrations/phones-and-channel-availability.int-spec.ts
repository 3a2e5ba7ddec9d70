import type { DataSource, QueryRunner } from 'typeorm';
import { ChannelConfigData, decodeEnvelope, Topics } from '@crm/contracts';
import { createDataSource } from '../data-source';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { ClientPhoneVerified1796124364932 } from './1796124364932-ClientPhoneVerified';
import { UnavailableChannelTypes1796124372023 } from './1796124372023-UnavailableChannelTypes';

// The data these two migrations change, on real PostgreSQL: each is run down and up again over seeded rows.
describe('data migrations of issue 9 (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let q: QueryRunner;
  let accountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url }).initialize();
    q = ds.createQueryRunner();
    [{ id: accountId }] = await ds.query(`INSERT INTO accounts (name) VALUES ('A') RETURNING id`);
  });
  afterAll(async () => {
    await q?.release();
    await ds?.destroy();
    await db?.drop();
  });

  const channel = async (type: string, status: string, statusReason: string | null, deleted = false): Promise<string> =>
    (
      await ds.query(
        `INSERT INTO channels (account_id, type, name, status, status_reason, deleted_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [accountId, type, `${type} ${status}`, status, statusReason, deleted ? new Date() : null],
      )
    )[0].id;
  const statuses = async (ids: string[]) =>
    (await ds.query(`SELECT id, status, status_reason FROM channels WHERE id = ANY($1)`, [ids])).reduce(
      (acc: Record<string, string>, r: { id: string; status: string; status_reason: string | null }) => ({ ...acc, [r.id]: `${r.status}/${r.status_reason}` }),
      {},
    );

  const published = async (ids: string[]) =>
    (await ds.query(`SELECT topic, message_key, event_type, payload, headers FROM outbox WHERE message_key = ANY($1) AND published_at IS NULL ORDER BY id`, [ids])) as Array<{
      topic: string;
      message_key: string;
      event_type: string;
      payload: object;
      headers: Record<string, string>;
    }>;

  it('UnavailableChannelTypes: live channels of whatsapp, vk and avito become inactive with the reason and publish it; others, turned-off and deleted ones stay; down undoes it', async () => {
    const rows = {
      whatsappActive: await channel('whatsapp', 'active', null),
      vkError: await channel('vk', 'error', 'PLATFORM_UNAVAILABLE'),
      avitoActive: await channel('avito', 'active', null),
      avitoTurnedOff: await channel('avito', 'inactive', null),
      whatsappDeleted: await channel('whatsapp', 'active', null, true),
      telegram: await channel('telegram', 'active', null),
      widgetError: await channel('widget', 'error', 'PLATFORM_UNAVAILABLE'),
    };
    const ids = Object.values(rows);
    const before = await statuses(ids);
    const migration = new UnavailableChannelTypes1796124372023();
    await migration.up(q);
    const after = await statuses(ids);
    expect(after).toEqual({
      ...before,
      [rows.whatsappActive]: 'inactive/CHANNEL_TYPE_UNAVAILABLE',
      [rows.vkError]: 'inactive/CHANNEL_TYPE_UNAVAILABLE',
      [rows.avitoActive]: 'inactive/CHANNEL_TYPE_UNAVAILABLE',
    });
    expect(await ds.query(`SELECT count(*)::int AS n FROM channels WHERE id = ANY($1)`, [ids])).toEqual([{ n: ids.length }]);
    // Their next revision goes to channels.config.v1 (a connector landing later must not serve them from an old record).
    const parked = [rows.whatsappActive, rows.vkError, rows.avitoActive];
    const records = await published(ids);
    expect(records.map((r) => r.message_key).sort()).toEqual([...parked].sort());
    for (const record of records) {
      const [row] = await ds.query(`SELECT type, name, settings, secrets_encrypted, revision, updated_at FROM channels WHERE id = $1`, [record.message_key]);
      const envelope = decodeEnvelope(JSON.stringify(record.payload), ChannelConfigData);
      expect(record).toMatchObject({ topic: Topics.ChannelsConfig, event_type: 'channel.config', headers: { 'x-event-type': 'channel.config', 'x-correlation-id': envelope.id, 'x-channel-type': row.type } });
      expect(envelope).toMatchObject({ type: 'channel.config', version: 1, accountId, channelId: record.message_key });
      expect(envelope.data).toEqual({
        channelId: record.message_key,
        accountId,
        type: row.type,
        name: row.name,
        status: 'inactive',
        settings: row.settings,
        encryptedSecrets: row.secrets_encrypted,
        webhookSecret: null,
        revision: 2,
        updatedAt: row.updated_at.toISOString(),
      });
    }
    await migration.down(q);
    // The prior status is not kept: every channel parked by the migration comes back active (documented in down()).
    expect(await statuses(ids)).toEqual({ ...before, [rows.vkError]: 'active/null' });
    const restored = (await published(parked)).slice(3).map((r) => decodeEnvelope(JSON.stringify(r.payload), ChannelConfigData).data);
    expect(restored.map((d) => [d.status, d.revision])).toEqual([['active', 3], ['active', 3], ['active', 3]]);
  });

  it('ClientPhoneVerified: existing phones count as verified except those a widget visitor typed; down drops the column', async () => {
    const migration = new ClientPhoneVerified1796124364932();
    await migration.down(q);
    expect(await ds.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'clients' AND column_name = 'phone_verified'`)).toEqual([{ n: 0 }]);
    const [{ id: widget }] = await ds.query(`INSERT INTO channels (account_id, type, name) VALUES ($1, 'widget', 'W') RETURNING id`, [accountId]);
    const [{ id: telegram }] = await ds.query(`INSERT INTO channels (account_id, type, name) VALUES ($1, 'telegram', 'T') RETURNING id`, [accountId]);
    const client = async (name: string, phone: string | null, identity?: { channelId: string; type: string; rule: string }) => {
      const [{ id }] = await ds.query(`INSERT INTO clients (account_id, name, phone_e164) VALUES ($1, $2, $3) RETURNING id`, [accountId, name, phone]);
      if (identity) {
        await ds.query(
          `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, match_rule, phone_e164) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [accountId, id, identity.channelId, identity.type, `u-${name}`, identity.rule, phone],
        );
      }
      return id;
    };
    const ids = {
      typedOnWidget: await client('typed', '+79001234567', { channelId: widget, type: 'widget', rule: 'created' }),
      sharedOnTelegram: await client('shared', '+79001234568', { channelId: telegram, type: 'telegram', rule: 'created' }),
      // Created on Telegram, later matched by a widget visitor's typed phone (the old behaviour): its own phone stays verified.
      matchedFromWidget: await client('matched', '+79001234569', { channelId: widget, type: 'widget', rule: 'phone' }),
      enteredByHand: await client('hand', '+79001234570'),
      noPhone: await client('none', null, { channelId: telegram, type: 'telegram', rule: 'created' }),
    };
    await migration.up(q);
    const rows = await ds.query(`SELECT id, phone_verified FROM clients WHERE id = ANY($1)`, [Object.values(ids)]);
    const verified = Object.fromEntries(rows.map((r: { id: string; phone_verified: boolean }) => [r.id, r.phone_verified]));
    expect(Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, verified[id]]))).toEqual({
      typedOnWidget: false,
      sharedOnTelegram: true,
      matchedFromWidget: true,
      enteredByHand: true,
      noPhone: false,
    });
    expect(await ds.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'idx_client_identities_account_phone'`)).toHaveLength(1);
  });
});
