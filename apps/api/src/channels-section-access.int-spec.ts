import { FakeBitrix24Server } from '@crm/testing';
import { ApiHarness, startApiHarness } from './testing/api-test-harness';

// Every endpoint of the channels section, table-driven: no token → 401; agent on a mutating endpoint → 403; another
// account's id → 404; unknown field → 400; oversized body → 413; agents can read.
describe('channels section: authentication, roles, tenancy and input limits on every endpoint', () => {
  let api: ApiHarness;
  let admin: string;
  let agent: string;
  let otherAdmin: string;
  const ids = { integration: '', funnel: '', stage: '', channel: '' };
  // A local stand-in for the portal: saving a Bitrix24 integration makes a real check call.
  let portal: FakeBitrix24Server;
  let webhookUrl = '';

  beforeAll(async () => {
    portal = await FakeBitrix24Server.start();
    webhookUrl = portal.addWebhook({ code: 'secretcode123' }).url;
    api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true' });
    const account = await api.createAccount('A');
    const other = await api.createAccount('B');
    admin = api.token(account, 'admin');
    agent = api.token(account, 'agent');
    otherAdmin = api.token(other, 'admin');
    const integration = await api.request('POST', '/api/v1/integrations', { token: admin, body: { type: 'bitrix24', name: 'B24', settings: { webhookUrl } } });
    expect(integration.body).toMatchObject({ status: 'active' });
    ids.integration = integration.body.id;
    const funnel = (await api.request('POST', '/api/v1/funnels', { token: admin, body: { name: 'F', stages: [{ name: 'S1' }, { name: 'S2' }] } })).body;
    ids.funnel = funnel.id;
    ids.stage = funnel.stages[1].id;
    ids.channel = (await api.request('POST', '/api/v1/channels', { token: admin, body: { name: 'W', type: 'widget', settings: { allowedOrigins: ['https://a.example'] } } })).body.id;
    expect(Object.values(ids).every(Boolean)).toBe(true);
  });
  afterAll(async () => {
    await api?.close();
    await portal?.close();
  });

  type Row = { method: string; path: () => string; body?: Record<string, unknown>; mutating: boolean; scoped: boolean };
  const table: Row[] = [
    { method: 'GET', path: () => '/api/v1/channel-types', mutating: false, scoped: false },
    { method: 'GET', path: () => '/api/v1/integrations', mutating: false, scoped: false },
    // The webhook exists once beforeAll ran: the body is read when the test runs.
    { method: 'POST', path: () => '/api/v1/integrations', get body() { return { type: 'bitrix24', name: 'X', settings: { webhookUrl } }; }, mutating: true, scoped: false },
    { method: 'GET', path: () => `/api/v1/integrations/${ids.integration}`, mutating: false, scoped: true },
    { method: 'PATCH', path: () => `/api/v1/integrations/${ids.integration}`, body: { name: 'Y' }, mutating: true, scoped: true },
    { method: 'DELETE', path: () => `/api/v1/integrations/${ids.integration}`, mutating: true, scoped: true },
    { method: 'GET', path: () => '/api/v1/funnels', mutating: false, scoped: false },
    { method: 'POST', path: () => '/api/v1/funnels', body: { name: 'G' }, mutating: true, scoped: false },
    { method: 'GET', path: () => `/api/v1/funnels/${ids.funnel}`, mutating: false, scoped: true },
    { method: 'PATCH', path: () => `/api/v1/funnels/${ids.funnel}`, body: { name: 'H' }, mutating: true, scoped: true },
    { method: 'DELETE', path: () => `/api/v1/funnels/${ids.funnel}`, mutating: true, scoped: true },
    { method: 'POST', path: () => `/api/v1/funnels/${ids.funnel}/stages`, body: { name: 'S3' }, mutating: true, scoped: true },
    { method: 'PATCH', path: () => `/api/v1/funnels/${ids.funnel}/stages/${ids.stage}`, body: { name: 'S4' }, mutating: true, scoped: true },
    { method: 'DELETE', path: () => `/api/v1/funnels/${ids.funnel}/stages/${ids.stage}`, mutating: true, scoped: true },
    { method: 'GET', path: () => '/api/v1/channels', mutating: false, scoped: false },
    { method: 'POST', path: () => '/api/v1/channels', body: { name: 'C', type: 'widget', settings: { allowedOrigins: ['https://b.example'] } }, mutating: true, scoped: false },
    { method: 'GET', path: () => `/api/v1/channels/${ids.channel}`, mutating: false, scoped: true },
    { method: 'PATCH', path: () => `/api/v1/channels/${ids.channel}`, body: { name: 'D' }, mutating: true, scoped: true },
    { method: 'DELETE', path: () => `/api/v1/channels/${ids.channel}`, mutating: true, scoped: true },
    { method: 'POST', path: () => `/api/v1/channels/${ids.channel}/activate`, mutating: true, scoped: true },
    { method: 'POST', path: () => `/api/v1/channels/${ids.channel}/deactivate`, mutating: true, scoped: true },
  ];
  const label = (r: Row) => `${r.method} ${r.path().replace(/[0-9a-f-]{36}/g, ':id')}`;

  it.each(table.map((r) => [label(r), r] as const))('%s without a token → 401', async (_l, row) => {
    const res = await api.request(row.method, row.path(), { body: row.body });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it.each(table.filter((r) => r.mutating).map((r) => [label(r), r] as const))('%s as agent → 403, nothing changes', async (_l, row) => {
    const res = await api.request(row.method, row.path(), { token: agent, body: row.body });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', message: 'Недостаточно прав для этого действия' });
  });

  it.each(table.filter((r) => !r.mutating).map((r) => [label(r), r] as const))('%s as agent → 200 (agents read)', async (_l, row) => {
    expect((await api.request(row.method, row.path(), { token: agent })).status).toBe(200);
  });

  it.each(table.filter((r) => r.scoped).map((r) => [label(r), r] as const))("%s with another account's id → 404", async (_l, row) => {
    const res = await api.request(row.method, row.path(), { token: otherAdmin, body: row.body });
    expect(res.status).toBe(404);
    expect(res.body.code).toMatch(/_NOT_FOUND$/);
    expect(res.text).not.toContain('"name"');
  });

  it.each(table.filter((r) => r.body).map((r) => [label(r), r] as const))('%s with an unknown field → 400', async (_l, row) => {
    const res = await api.request(row.method, row.path(), { token: admin, body: { ...row.body, isAdmin: true } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'isAdmin', constraints: ['property isAdmin should not exist'] }] });
  });

  it.each(table.filter((r) => r.method !== 'GET').map((r) => [label(r), r] as const))('%s with an oversized body → 413', async (_l, row) => {
    const res = await api.request(row.method, row.path(), { token: admin, body: { ...row.body, name: 'x'.repeat(300 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers a path id that is not a UUID with the resource\'s 404', async () => {
    expect((await api.request('GET', '/api/v1/channels/42', { token: admin })).body).toMatchObject({ statusCode: 404, code: 'CHANNEL_NOT_FOUND' });
    expect((await api.request('GET', '/api/v1/funnels/x/stages', { token: admin })).status).toBe(404);
  });

  it('left every row of the account as it was (the refused calls changed nothing)', async () => {
    const channel = await api.request('GET', `/api/v1/channels/${ids.channel}`, { token: admin });
    expect(channel.body).toMatchObject({ name: 'W', status: 'active', revision: 1 });
    const integration = await api.request('GET', `/api/v1/integrations/${ids.integration}`, { token: admin });
    expect(integration.body).toMatchObject({ name: 'B24', settings: { webhookUrl: webhookUrl.replace('secretcode123', '••••23'), portal: new URL(webhookUrl).hostname, userId: 1 } });
    expect(integration.text).not.toContain('secretcode123');
    const funnel = await api.request('GET', `/api/v1/funnels/${ids.funnel}`, { token: admin });
    expect(funnel.body).toMatchObject({ name: 'F', stages: [{ name: 'S1' }, { name: 'S2' }] });
  });

  it('lists the section in the OpenAPI document with examples for every operation', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    const paths = [
      '/api/v1/channel-types',
      '/api/v1/integrations',
      '/api/v1/integrations/{id}',
      '/api/v1/funnels',
      '/api/v1/funnels/{id}',
      '/api/v1/funnels/{id}/stages',
      '/api/v1/funnels/{id}/stages/{stageId}',
      '/api/v1/channels',
      '/api/v1/channels/{id}',
      '/api/v1/channels/{id}/activate',
      '/api/v1/channels/{id}/deactivate',
    ];
    for (const path of paths) {
      expect(doc.paths[path]).toBeDefined();
      for (const [method, op] of Object.entries(doc.paths[path] as Record<string, any>)) {
        const errors = Object.entries(op.responses as Record<string, any>).filter(([status]) => Number(status) >= 400);
        expect([`${method} ${path}`, errors.length > 0]).toEqual([`${method} ${path}`, true]);
        for (const [, response] of errors) expect(response.content['application/json'].example).toMatchObject({ code: expect.any(String) });
        if (op.requestBody) expect(op.requestBody.content['application/json'].examples).toBeDefined();
      }
    }
    expect(doc.paths['/api/v1/channels'].post.responses['409'].content['application/json'].example.code).toBe('CHANNEL_ALREADY_CONNECTED');
  });
});
