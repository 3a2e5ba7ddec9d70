import { CrmEventData, decodeEnvelope } from '@crm/contracts';
import { readTopic, waitFor } from '@crm/testing';
import { LeadRoutingHarness } from '../../../../lead-routing/src/testing/lead-routing-harness';
import { startApiBesideLeadRouting, type ApiBesideLeadRouting } from '../../routing/testing/api-beside-lead-routing';

// POST /clients/:id/merge on real Postgres and Kafka, with lead-routing routing the messages before and after.

const PHONE = '+79001234567';
const ROUTING = { createClientOnFirstMessage: true, autoMatchClient: true, createLeadOnFirstMessage: true, findExistingLead: true };

describe('POST /clients/:id/merge (real Kafka and Postgres, lead-routing beside)', () => {
  let h: LeadRoutingHarness;
  let api: ApiBesideLeadRouting;

  beforeAll(async () => {
    h = await LeadRoutingHarness.create();
    await h.start();
    api = await startApiBesideLeadRouting(h);
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  const merge = (accountId: string, id: string, intoClientId: string, role: 'admin' | 'agent' = 'admin', extra: Record<string, unknown> = {}) =>
    api.request('POST', `/api/v1/clients/${id}/merge`, { token: api.token(accountId, role), body: { intoClientId, ...extra } });
  const dialogClient = async (channelId: string, chat: string): Promise<string | null> =>
    (await h.dataSource.query(`SELECT client_id FROM dialogs WHERE channel_id = $1 AND external_chat_id = $2`, [channelId, chat]))[0]?.client_id ?? null;
  const routed = (channelId: string, chat: string) => waitFor(async () => (await dialogClient(channelId, chat)) !== null, 30_000, `the dialog of ${chat} routed`);

  it('WhatsApp client + Telegram client who later shares the same number → possible duplicates → merged into one with both identities; later messages land on the survivor; client.merged on crm.events', async () => {
    const accountId = await h.account();
    const whatsapp = await h.channel({ accountId, type: 'whatsapp', name: 'WhatsApp', ...ROUTING });
    const telegram = await h.channel({ accountId, type: 'telegram', name: 'Telegram бот', ...ROUTING });

    // 1. A WhatsApp sender: the number is the sender's own (verified).
    await h.produce([h.inbound(accountId, whatsapp, { channelType: 'whatsapp', externalChatId: '79001234567', sender: { externalUserId: '79001234567', displayName: 'Иван', phone: PHONE, phoneVerified: true } })]);
    await routed(whatsapp, '79001234567');
    const survivor = (await dialogClient(whatsapp, '79001234567'))!;
    // 2. The same person on Telegram, without a phone yet: another client.
    await h.produce([h.inbound(accountId, telegram, { externalChatId: 'tg-1', sender: { externalUserId: 'tg-1', displayName: 'Иван Петров', username: 'ivan_p' } })]);
    await routed(telegram, 'tg-1');
    const merged = (await dialogClient(telegram, 'tg-1'))!;
    expect(merged).not.toBe(survivor);
    // 3. They share their own contact on Telegram: the verified phone lands on the identity and on their (phoneless) client.
    await h.produce([
      h.inbound(accountId, telegram, {
        externalChatId: 'tg-1',
        kind: 'contact',
        text: undefined,
        contact: { phone: PHONE, firstName: 'Иван' },
        sender: { externalUserId: 'tg-1', displayName: 'Иван Петров', username: 'ivan_p', phone: PHONE, phoneVerified: true },
      }),
    ]);
    await waitFor(async () => (await h.count(`SELECT 1 FROM clients WHERE id = $1 AND phone_e164 = $2`, [merged, PHONE])) === 1, 30_000, 'the shared phone on the Telegram client');

    const admin = api.token(accountId);
    const before = await api.request('GET', `/api/v1/clients/${survivor}`, { token: admin });
    expect(before.body.possibleDuplicates).toEqual([{ clientId: merged, name: 'Иван Петров', reason: 'same_phone', phone: PHONE }]);
    const leadsBefore = (await h.dataSource.query(`SELECT id, dialog_id, client_id FROM leads WHERE account_id = $1 ORDER BY created_at`, [accountId])) as Array<{ id: string; dialog_id: string; client_id: string }>;
    expect(leadsBefore.map((l) => l.client_id)).toEqual([survivor, merged]);

    // 4. Merge the Telegram client into the WhatsApp one.
    const res = await merge(accountId, merged, survivor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: survivor, name: 'Иван', phone: PHONE, phoneVerified: true, possibleDuplicates: [] });
    expect(res.body.identities.map((i: { channelType: string; externalUserId: string }) => `${i.channelType}:${i.externalUserId}`)).toEqual(['whatsapp:79001234567', 'telegram:tg-1']);
    expect((await api.request('GET', `/api/v1/clients/${merged}`, { token: admin })).status).toBe(404);
    expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [accountId])).toBe(1);
    expect(await h.dataSource.query(`SELECT client_id FROM leads WHERE account_id = $1 ORDER BY created_at`, [accountId])).toEqual([{ client_id: survivor }, { client_id: survivor }]);
    expect(await h.dataSource.query(`SELECT merged_client_id, into_client_id FROM client_merges WHERE account_id = $1`, [accountId])).toEqual([
      { merged_client_id: merged, into_client_id: survivor },
    ]);
    expect(await h.dataSource.query(`SELECT action, entity, entity_id, details->>'intoClientId' AS into FROM audit_log WHERE account_id = $1`, [accountId])).toEqual([
      { action: 'client.merged', entity: 'client', entity_id: merged, into: survivor },
    ]);

    // 5. client.merged reaches crm.events.v1 (through the outbox), once per lead of the survivor, keyed by its dialog.
    const topic = `${h.env.KAFKA_TOPIC_PREFIX}crm.events.v1`;
    let mergedEvents: Array<{ key: string | null; data: CrmEventData }> = [];
    await waitFor(
      async () => {
        const records = await readTopic(topic, { timeoutMs: 5_000 });
        mergedEvents = records
          .map((r) => ({ key: r.key, data: decodeEnvelope(r.value!, CrmEventData).data }))
          .filter((e) => e.data.kind === 'client.merged');
        return mergedEvents.length >= 2;
      },
      30_000,
      'client.merged on crm.events.v1',
    );
    expect(mergedEvents.map((e) => [e.key, e.data])).toEqual(
      expect.arrayContaining(
        leadsBefore.map((l) => [l.dialog_id, { kind: 'client.merged', dialogId: l.dialog_id, clientId: survivor, mergedClientId: merged, leadId: l.id }]),
      ),
    );
    expect(mergedEvents).toHaveLength(2);

    // 6. Later messages on either channel land on the survivor: a new Telegram chat of the same user (identity), a new
    // WhatsApp chat is the same number (phone), and the old Telegram dialog keeps the survivor.
    await h.produce([
      h.inbound(accountId, telegram, { externalChatId: 'tg-group-7', sender: { externalUserId: 'tg-1', displayName: 'Иван Петров' } }),
      h.inbound(accountId, telegram, { externalChatId: 'tg-1', sender: { externalUserId: 'tg-1', displayName: 'Иван Петров' } }),
      h.inbound(accountId, whatsapp, { channelType: 'whatsapp', externalChatId: '79001234567', sender: { externalUserId: '79001234567', phone: PHONE, phoneVerified: true } }),
    ]);
    await routed(telegram, 'tg-group-7');
    await h.waitForMessages(6, 30_000, 'account_id = $1', [accountId]);
    expect(await dialogClient(telegram, 'tg-group-7')).toBe(survivor);
    expect(await dialogClient(telegram, 'tg-1')).toBe(survivor);
    expect(await dialogClient(whatsapp, '79001234567')).toBe(survivor);
    expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [accountId])).toBe(1);
  });

  it('fills what the survivor lacks: a verified phone beats a typed one, a missing email is taken, the name is kept', async () => {
    const accountId = await h.account();
    const survivor = await h.client(accountId, 'Гость сайта', '+79990000000', { phoneVerified: false });
    const merged = await h.client(accountId, 'Иван', PHONE);
    await h.dataSource.query(`UPDATE clients SET email = 'ivan@example.com' WHERE id = $1`, [merged]);
    const res = await merge(accountId, merged, survivor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: survivor, name: 'Гость сайта', phone: PHONE, phoneVerified: true, email: 'ivan@example.com', identities: [] });
  });

  it('errors: into itself → 422, another account\'s client → 404, already merged → 404, agent → 403, unknown field → 400', async () => {
    const accountId = await h.account();
    const other = await h.account();
    const a = await h.client(accountId, 'A');
    const b = await h.client(accountId, 'B');
    const foreign = await h.client(other, 'Чужой');

    const itself = await merge(accountId, a, a);
    expect([itself.status, itself.body.code]).toEqual([422, 'CLIENT_MERGE_INTO_ITSELF']);
    for (const [id, into] of [
      [a, foreign],
      [foreign, a],
    ]) {
      const res = await merge(accountId, id, into);
      expect([res.status, res.body.code]).toEqual([404, 'CLIENT_NOT_FOUND']);
    }
    const agent = await merge(accountId, a, b, 'agent');
    expect([agent.status, agent.body.code]).toEqual([403, 'FORBIDDEN']);
    const unknown = await merge(accountId, a, b, 'admin', { force: true });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await h.count(`SELECT 1 FROM clients WHERE id = ANY($1)`, [[a, b, foreign]])).toBe(3);
    expect((await merge(accountId, a, b)).status).toBe(200);
    const again = await merge(accountId, a, b);
    expect([again.status, again.body.code]).toEqual([404, 'CLIENT_NOT_FOUND']);
    expect(await h.count(`SELECT 1 FROM clients WHERE id = $1`, [foreign])).toBe(1);
  });

  it('concurrent merges lose nothing: X→Z and Y→Z at once keep every identity, dialog and lead; X→Y and Y→X at once: one wins, one is 404', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId });
    const seed = async (name: string, i: number) => {
      const id = await h.client(accountId, name);
      await h.identity(accountId, id, channelId, `user-${name}-${i}`);
      await h.lead(accountId, id, channelId, 'open');
      return id;
    };
    for (let round = 0; round < 5; round++) {
      const [x, y, z] = [await seed('X', round), await seed('Y', round), await seed('Z', round)];
      const results = await Promise.all([merge(accountId, x, z), merge(accountId, y, z)]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      for (const table of ['client_identities', 'dialogs', 'leads']) {
        expect([table, await h.count(`SELECT 1 FROM ${table} WHERE client_id = $1`, [z])]).toEqual([table, 3]);
      }
      const [p, q] = [await seed('P', round), await seed('Q', round)];
      const crossed = await Promise.all([merge(accountId, p, q), merge(accountId, q, p)]);
      expect(crossed.map((r) => r.status).sort()).toEqual([200, 404]);
      const winner = crossed[0].status === 200 ? q : p;
      expect(await h.count(`SELECT 1 FROM client_identities WHERE client_id = $1`, [winner])).toBe(2);
      expect(await h.count(`SELECT 1 FROM clients WHERE id = ANY($1)`, [[p, q]])).toBe(1);
    }
  });
});
