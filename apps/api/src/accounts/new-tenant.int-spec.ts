import { randomUUID } from 'node:crypto';
import type { RunningService } from '@crm/service-kit';
import { jsonRequest } from '@crm/testing';
import type { ApiConfig } from '../config/api.config';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';
import { startApiInstance } from '../testing/flow-helpers';

// DESIGN §4: the CRM's auth issues the tokens, so an account exists from its first authenticated request.
describe('a new tenant: a valid token of an account the database has never seen works at once', () => {
  let api: ApiHarness;
  let second: RunningService<ApiConfig>;

  beforeAll(async () => {
    api = await startApiHarness();
    // A second api instance on the same database: first requests of one account may reach both at once.
    second = await startApiInstance(api.env);
  });
  afterAll(async () => {
    await second?.close();
    await api?.close();
  });

  const accountRows = async (id: string) => (await api.dataSource.query(`SELECT id FROM accounts WHERE id = $1`, [id])).length;

  it('creates a funnel and a channel with a fresh account’s token and reads them back', async () => {
    const accountId = randomUUID();
    expect(await accountRows(accountId)).toBe(0);
    const token = api.token(accountId, 'admin');

    const funnel = await api.request('POST', '/api/v1/funnels', { token, body: { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'В работе' }] } });
    expect([funnel.status, funnel.body.code]).toEqual([201, undefined]);
    const channel = await api.request('POST', '/api/v1/channels', {
      token,
      body: { name: 'Виджет', type: 'widget', routing: { funnelId: funnel.body.id, stageId: funnel.body.stages[1].id }, settings: { allowedOrigins: ['https://shop.example.com'] } },
    });
    expect([channel.status, channel.body.code]).toEqual([201, undefined]);
    expect(channel.body).toMatchObject({ type: 'widget', status: 'active', routing: { funnelId: funnel.body.id, stageId: funnel.body.stages[1].id } });

    expect((await api.request('GET', `/api/v1/funnels/${funnel.body.id}`, { token })).body).toEqual(funnel.body);
    expect((await api.request('GET', `/api/v1/channels/${channel.body.id}`, { token })).body).toMatchObject({ id: channel.body.id, name: 'Виджет' });
    expect((await api.request('GET', '/api/v1/funnels', { token })).body.items.map((f: { id: string }) => f.id)).toEqual([funnel.body.id]);
    expect((await api.request('GET', '/api/v1/channels', { token })).body.items.map((c: { id: string }) => c.id)).toEqual([channel.body.id]);
    expect(await accountRows(accountId)).toBe(1);
    // An agent of the same new account reads (and never sees another tenant's data).
    const other = api.token(randomUUID(), 'agent');
    expect((await api.request('GET', `/api/v1/channels/${channel.body.id}`, { token: other })).status).toBe(404);
  });

  it('20 concurrent first requests of another fresh account, split over two api instances, all succeed', async () => {
    const accountId = randomUUID();
    const token = api.token(accountId, 'admin');
    const inserts = jest.spyOn(api.dataSource, 'query');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        jsonRequest(i % 2 === 0 ? api.url : second.url, 'POST', '/api/v1/funnels', { token, body: { name: `Воронка ${i}`, stages: [{ name: 'Новые' }] } }),
      ),
    );
    const provisioning = inserts.mock.calls.filter(([sql]) => /INSERT INTO accounts/.test(String(sql))).length;
    inserts.mockRestore();
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await accountRows(accountId)).toBe(1);
    const listed = await api.request('GET', '/api/v1/funnels?limit=100', { token });
    expect(listed.body.items).toHaveLength(20);
    // One instance asked the database once for its ten concurrent first requests, and never again afterwards.
    expect(provisioning).toBe(1);
    const spy = jest.spyOn(api.dataSource, 'query');
    expect((await api.request('GET', '/api/v1/funnels', { token })).status).toBe(200);
    expect(spy.mock.calls.filter(([sql]) => /INSERT INTO accounts/.test(String(sql)))).toEqual([]);
    spy.mockRestore();
  });

  it('logs a 500 with the error’s message and stack', async () => {
    const token = api.token(randomUUID(), 'agent');
    expect((await api.request('GET', '/api/v1/funnels', { token })).status).toBe(200);
    await api.dataSource.query(`ALTER TABLE funnels RENAME TO funnels_away`);
    try {
      const res = await api.request('GET', '/api/v1/funnels', { token });
      expect(res.body).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
      expect(JSON.stringify(res.body)).not.toContain('funnels');
    } finally {
      await api.dataSource.query(`ALTER TABLE funnels_away RENAME TO funnels`);
    }
    const line = api.logs.map((l) => JSON.parse(l)).find((l) => l.level === 'error' && String(l.msg).startsWith('request failed'));
    expect(line.msg).toBe('request failed: relation "funnels" does not exist');
    expect(line.err.message).toBe('relation "funnels" does not exist');
    expect(line.err.stack).toMatch(/^QueryFailedError: relation "funnels" does not exist\n\s+at /);
    expect(line).toMatchObject({ path: '/api/v1/funnels', code: 'INTERNAL' });
  });
});
