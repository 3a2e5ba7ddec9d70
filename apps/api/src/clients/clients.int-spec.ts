import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

// GET /clients/:id on real Postgres: whether the phone is verified, and the possible duplicates (DESIGN §7.2) — other
// clients of the account sharing a phone with this client or its identities, never merged, never across accounts.
describe('clients: verified phones and possible duplicates', () => {
  let api: ApiHarness;
  let accountId: string;
  let agent: string;
  let channelId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    accountId = await api.createAccount();
    agent = api.token(accountId, 'agent');
    [{ id: channelId }] = await api.dataSource.query(`INSERT INTO channels (account_id, type, name, status) VALUES ($1, 'telegram', 'Бот', 'active') RETURNING id`, [accountId]);
  });
  afterAll(() => api?.close());

  let seq = 0;
  const client = async (name: string, phone: string | null, phoneVerified = phone !== null, account = accountId): Promise<string> => {
    // Distinct creation times: duplicates are listed oldest first.
    const [{ id }] = await api.dataSource.query(
      `INSERT INTO clients (account_id, name, phone_e164, phone_verified, created_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING id`,
      [account, name, phone, phoneVerified, ++seq],
    );
    return id;
  };
  const identity = async (clientId: string, externalUserId: string, phone: string | null) => {
    await api.dataSource.query(
      `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, phone_e164, match_rule) VALUES ($1, $2, $3, 'telegram', $4, $5, 'created')`,
      [accountId, clientId, channelId, externalUserId, phone],
    );
  };
  const get = async (id: string) => {
    const res = await api.request('GET', `/api/v1/clients/${id}`, { token: agent });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('lists the other clients with the same phone, on the client or on an identity, with the reason; never merges them', async () => {
    const P = '+79001234567';
    // A Telegram user whose client was found by username keeps another phone; their shared contact landed on the identity.
    const sharedLater = await client('Поделился контактом', '+79990000000');
    await identity(sharedLater, 'tg-1', P);
    const owner = await client('Владелец номера', P);
    const typed = await client('Посетитель сайта', P, false);
    const lonely = await client('Без дублей', '+79997776655');
    const foreignAccount = await api.createAccount('Чужой');
    await client('Чужой клиент', P, true, foreignAccount);

    expect(await get(owner)).toMatchObject({
      id: owner,
      phone: P,
      phoneVerified: true,
      possibleDuplicates: [
        { clientId: sharedLater, name: 'Поделился контактом', reason: 'same_phone', phone: P },
        { clientId: typed, name: 'Посетитель сайта', reason: 'same_phone', phone: P },
      ],
    });
    expect(await get(sharedLater)).toMatchObject({
      phone: '+79990000000',
      identities: [expect.objectContaining({ externalUserId: 'tg-1', phone: P })],
      possibleDuplicates: [
        { clientId: owner, name: 'Владелец номера', reason: 'same_phone', phone: P },
        { clientId: typed, name: 'Посетитель сайта', reason: 'same_phone', phone: P },
      ],
    });
    expect(await get(typed)).toMatchObject({ phone: P, phoneVerified: false, possibleDuplicates: [{ clientId: sharedLater }, { clientId: owner }] });
    expect((await get(lonely)).possibleDuplicates).toEqual([]);
    // Nothing was merged: four clients, each with its own row.
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM clients WHERE account_id = $1`, [accountId])).toEqual([{ n: 4 }]);
  });

  it('the list shows whether each phone is verified', async () => {
    const items = (await api.request('GET', '/api/v1/clients', { token: agent })).body.items as Array<{ name: string; phoneVerified: boolean }>;
    expect(Object.fromEntries(items.map((c) => [c.name, c.phoneVerified]))).toMatchObject({ 'Владелец номера': true, 'Посетитель сайта': false });
  });
});
