import { startApiHarness, type ApiHarness } from '../../testing/api-test-harness';
import { EXPORT_MESSAGE_BATCH } from './client-export.reader';

// GET /clients/:id/export on a long history: every message of every dialog, in order, across message pages.
describe('GET /api/v1/clients/:id/export (real PostgreSQL)', () => {
  let api: ApiHarness;
  let accountId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    accountId = await api.createAccount();
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A client with one identity, a dialog per chat with `count` inbound messages each, and a lead on the first. */
  const seedClient = async (name: string, chats: string[], count: number) => {
    const [{ id: channelId }] = await api.dataSource.query(`INSERT INTO channels (account_id, type, name, status) VALUES ($1, 'telegram', $2, 'active') RETURNING id`, [accountId, `${name} bot`]);
    const [{ id: clientId }] = await api.dataSource.query(`INSERT INTO clients (account_id, name) VALUES ($1, $2) RETURNING id`, [accountId, name]);
    await api.dataSource.query(
      `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, display_name, match_rule) VALUES ($1, $2, $3, 'telegram', $4, $5, 'created')`,
      [accountId, clientId, channelId, `${name}-user`, name],
    );
    const dialogs: string[] = [];
    for (const chat of chats) {
      const [{ id: dialogId }] = await api.dataSource.query(`INSERT INTO dialogs (account_id, channel_id, external_chat_id, client_id) VALUES ($1, $2, $3, $4) RETURNING id`, [accountId, channelId, chat, clientId]);
      await api.dataSource.query(
        `INSERT INTO messages (account_id, dialog_id, channel_id, direction, kind, text, status, external_id, created_at)
         SELECT $1, $2, $3, 'in', 'text', $4 || ' #' || n, 'received', $5 || '-' || n, now() - (($6 - n) || ' seconds')::interval
           FROM generate_series(1, $6) AS n`,
        [accountId, dialogId, channelId, `${name} ${chat}`, chat, count],
      );
      dialogs.push(dialogId);
    }
    const [{ id: leadId }] = await api.dataSource.query(`INSERT INTO leads (account_id, client_id, channel_id, dialog_id, title) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [accountId, clientId, channelId, dialogs[0], `${name} — бот`]);
    return { clientId, dialogs, leadId };
  };

  it('streams every dialog with every message in order across pages, its lead and edit history, nothing of another client, and audits it', async () => {
    const count = EXPORT_MESSAGE_BATCH * 2 + 7;
    const anna = await seedClient('Анна', ['chat-a1', 'chat-a2'], count);
    await seedClient('Борис', ['chat-b1'], 3);
    const [edited] = await api.dataSource.query(`SELECT id FROM messages WHERE dialog_id = $1 AND text = 'Анна chat-a1 #1'`, [anna.dialogs[0]]);
    await api.dataSource.query(`INSERT INTO message_revisions (account_id, message_id, text, edited_at) VALUES ($1, $2, 'Анна: до правки', now())`, [accountId, edited.id]);

    const res = await api.request('GET', `/api/v1/clients/${anna.clientId}/export`, { token: api.token(accountId, 'admin', 'admin-7') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = res.body;
    expect(doc.client.name).toBe('Анна');
    expect(doc.identities.map((i: { externalUserId: string }) => i.externalUserId)).toEqual(['Анна-user']);
    expect(doc.leads.map((l: { id: string }) => l.id)).toEqual([anna.leadId]);
    expect(doc.dialogs.map((d: { id: string }) => d.id)).toEqual(anna.dialogs);
    for (const [i, chat] of ['chat-a1', 'chat-a2'].entries()) {
      expect(doc.dialogs[i].messages.map((m: { text: string }) => m.text)).toEqual(Array.from({ length: count }, (_, n) => `Анна ${chat} #${n + 1}`));
    }
    expect(doc.dialogs[0].messages[0].revisions).toEqual([{ text: 'Анна: до правки', attachments: [], editedAt: expect.any(String) }]);
    expect(res.text).not.toContain('Борис');

    const [audit] = await api.dataSource.query(`SELECT user_id, action, entity, entity_id FROM audit_log WHERE account_id = $1 AND entity_id = $2`, [accountId, anna.clientId]);
    expect(audit).toEqual({ user_id: 'admin-7', action: 'client.exported', entity: 'client', entity_id: anna.clientId });
  });

  it('is admin only; another account’s client, an unknown id and a non-uuid answer 404 (and audit nothing)', async () => {
    const { clientId } = await seedClient('Вера', ['chat-v1'], 1);
    expect((await api.request('GET', `/api/v1/clients/${clientId}/export`, { token: api.token(accountId, 'agent') })).status).toBe(403);
    const other = await api.createAccount();
    for (const id of [clientId, '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'not-a-uuid']) {
      const res = await api.request('GET', `/api/v1/clients/${id}/export`, { token: api.token(other, 'admin') });
      expect([id, res.status, res.body.code]).toEqual([id, 404, 'CLIENT_NOT_FOUND']);
    }
    expect((await api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`, [clientId]))[0].n).toBe(0);
  });
});
