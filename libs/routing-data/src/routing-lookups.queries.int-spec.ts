import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { identityRef, phoneRef, usernameRef } from '@crm/routing';
import type { DataSource } from 'typeorm';
import { effectiveStage, findDialog, PostgresRoutingLookups } from './routing-lookups.queries';

// The routing rules' reads on real Postgres: per account, oldest first, and locking only when asked to.
describe('PostgresRoutingLookups (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const one = async (sql: string, params: unknown[]) => ((await ds.query(sql, params)) as Array<{ id: string }>)[0].id;

  it('phones (verified only) and usernames are looked up in the asking account; identities per channel; open leads newest', async () => {
    const [a, b] = [await one(`INSERT INTO accounts (name) VALUES ('A') RETURNING id`, []), await one(`INSERT INTO accounts (name) VALUES ('B') RETURNING id`, [])];
    const channel = await one(`INSERT INTO channels (account_id, type, name, status) VALUES ($1, 'telegram', 'Бот', 'active') RETURNING id`, [a]);
    const client = (account: string, phone: string | null, verified: boolean) =>
      one(`INSERT INTO clients (account_id, name, phone_e164, phone_verified) VALUES ($1, 'C', $2, $3) RETURNING id`, [account, phone, verified]);
    await client(b, '+79001234567', true); // another account's client with the number
    await client(a, '+79001234567', false); // a typed number matches nobody
    const verified = await client(a, '+79001234567', true);
    const known = await client(a, null, false);
    await ds.query(
      `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, username, match_rule) VALUES ($1, $2, $3, 'telegram', 'u1', 'Ivan', 'created')`,
      [a, known, channel],
    );
    const dialog = await one(`INSERT INTO dialogs (account_id, channel_id, external_chat_id, status, client_id) VALUES ($1, $2, 'chat', 'closed', $3) RETURNING id`, [a, channel, known]);
    await ds.query(`INSERT INTO leads (account_id, client_id, channel_id, dialog_id, title, status) VALUES ($1, $2, $3, $4, 'old', 'open')`, [a, known, channel, dialog]);
    const newest = await one(`INSERT INTO leads (account_id, client_id, channel_id, dialog_id, title, status, created_at) VALUES ($1, $2, $3, $4, 'new', 'open', now() + interval '1 second') RETURNING id`, [a, known, channel, dialog]);

    const q = new PostgresRoutingLookups(ds, { locking: false });
    expect(await q.phoneClients([{ accountId: a, phoneE164: '+79001234567' }])).toEqual(new Map([[phoneRef(a, '+79001234567'), verified]]));
    expect(await q.usernameClients([{ accountId: a, channelType: 'telegram', username: 'ivan' }, { accountId: b, channelType: 'telegram', username: 'ivan' }])).toEqual(
      new Map([[usernameRef(a, 'telegram', 'ivan'), known]]),
    );
    expect(await q.identityClients([{ channelId: channel, externalUserId: 'u1' }])).toEqual(new Map([[identityRef(channel, 'u1'), known]]));
    expect(await q.openLeads([known])).toEqual(new Map([[known, newest]]));
    expect(await findDialog(ds, a, channel, 'chat')).toMatchObject({ id: dialog, status: 'closed', clientId: known });
    expect(await findDialog(ds, b, channel, 'chat')).toBeNull();

    const funnel = await one(`INSERT INTO funnels (account_id, name) VALUES ($1, 'F') RETURNING id`, [a]);
    const first = await one(`INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, 'first', 0) RETURNING id`, [a, funnel]);
    const second = await one(`INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, 'second', 1) RETURNING id`, [a, funnel]);
    expect(await effectiveStage(ds, a, funnel, null)).toBe(first);
    expect(await effectiveStage(ds, a, funnel, second)).toBe(second);
    expect(await effectiveStage(ds, b, funnel, second)).toBeNull();
  });

  it('takes the advisory locks only with locking: true, for the rest of the transaction', async () => {
    // This session's advisory locks only (the server is shared with other tests).
    const held = (m: Pick<DataSource, 'query'>) =>
      m.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).then((r: Array<{ n: number }>) => r[0].n);
    for (const locking of [false, true]) {
      const seen = await ds.transaction(async (m) => {
        await new PostgresRoutingLookups(m, { locking }).lock(['phone:x', 'identity:y']);
        return held(m);
      });
      expect([locking, seen]).toEqual([locking, locking ? 2 : 0]);
    }
    // Transaction-scoped: gone with the commit.
    await ds.transaction(async (m) => expect(await held(m)).toBe(0));
  });
});
