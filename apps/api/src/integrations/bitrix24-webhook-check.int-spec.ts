import { randomUUID } from 'node:crypto';
import { FakeBitrix24Server } from '@crm/testing';
import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

describe('integrations: saving a Bitrix24 webhook checks it with a real call; sync records are listed and replayed per account', () => {
  let api: ApiHarness;
  let portal: FakeBitrix24Server;
  let admin: string;
  beforeAll(async () => {
    portal = await FakeBitrix24Server.start();
    api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true', PLATFORM_VERIFY_TIMEOUT_MS: '1500' });
    admin = api.token(await api.createAccount());
  });
  afterAll(async () => {
    await api?.close();
    await portal?.close();
  });
  const create = (webhookUrl: string, headers: Record<string, string> = {}) =>
    api.request('POST', '/api/v1/integrations', { token: admin, body: { type: 'bitrix24', name: 'Портал', settings: { webhookUrl } }, headers });
  const count = async () => (await api.dataSource.query(`SELECT count(*)::int AS n FROM integrations`))[0].n as number;

  it('a deleted or expired webhook → 422 BITRIX24_WEBHOOK_INVALID; no crm scope → 422 naming the scope; nothing saved', async () => {
    const before = await count();
    const deleted = portal.addWebhook();
    portal.revokeWebhook(deleted.code);
    expect((await create(deleted.url)).body).toMatchObject({ statusCode: 422, code: 'BITRIX24_WEBHOOK_INVALID', details: [{ path: 'settings.webhookUrl' }] });
    const expired = portal.addWebhook();
    portal.expireWebhook(expired.code);
    expect((await create(expired.url)).body.code).toBe('BITRIX24_WEBHOOK_INVALID');
    const noCrm = portal.addWebhook({ scopes: ['user', 'task'] });
    const scope = await create(noCrm.url);
    expect(scope.body).toMatchObject({ statusCode: 422, code: 'BITRIX24_SCOPE_MISSING', message: 'У вебхука Bitrix24 нет права «crm»: добавьте его в настройках вебхука' });
    expect((await create(noCrm.url, { 'accept-language': 'en' })).body.message).toBe('The Bitrix24 webhook lacks the "crm" scope: add it in the webhook settings');
    expect(await count()).toBe(before);
    // What was asked: one crm.lead.fields per save, POSTed (the webhook code stays out of query strings).
    expect(portal.calls.filter((c) => c.method === 'crm.lead.fields')).toHaveLength(4);
  });

  it.each([
    ['a private address', 'https://10.0.0.7/rest/1/abcdefgh12/', 'not a public address'],
    ['link-local metadata', 'https://169.254.169.254/rest/1/abcdefgh12/', 'not a public address'],
    ['plain http to a public host', 'http://portal.example.com/rest/1/abcdefgh12/', 'must use https'],
  ])('refuses %s (SSRF) with 400 INTEGRATION_SETTINGS_INVALID, even with CRM_ALLOW_LOOPBACK_URLS', async (_name, url, reason) => {
    const res = await create(url);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'INTEGRATION_SETTINGS_INVALID', details: [{ path: 'settings.webhookUrl', constraints: [expect.stringContaining(reason)] }] });
  });

  it('a PATCH always re-checks: a webhook deleted since is refused even for a rename', async () => {
    const hook = portal.addWebhook();
    const saved = await create(hook.url);
    expect(saved.body.status).toBe('active');
    portal.revokeWebhook(hook.code);
    const rename = await api.request('PATCH', `/api/v1/integrations/${saved.body.id}`, { token: admin, body: { name: 'Новое имя' } });
    expect(rename.body.code).toBe('BITRIX24_WEBHOOK_INVALID');
    expect((await api.request('GET', `/api/v1/integrations/${saved.body.id}`, { token: admin })).body.name).toBe('Портал');
  });

  it('sync records: another account gets 404, an agent may list but not replay, the state filter is validated', async () => {
    const saved = await create(portal.addWebhook().url);
    const other = api.token(await api.createAccount());
    expect((await api.request('GET', `/api/v1/integrations/${saved.body.id}/sync`, { token: other })).body.code).toBe('INTEGRATION_NOT_FOUND');
    expect((await api.request('POST', `/api/v1/integrations/${saved.body.id}/replay`, { token: other, body: { state: 'failed' } })).body.code).toBe('INTEGRATION_NOT_FOUND');
    const agent = api.token((await api.dataSource.query(`SELECT account_id FROM integrations WHERE id = $1`, [saved.body.id]))[0].account_id, 'agent');
    expect((await api.request('GET', `/api/v1/integrations/${saved.body.id}/sync`, { token: agent })).body).toEqual({ items: [], nextCursor: null });
    expect((await api.request('POST', `/api/v1/integrations/${saved.body.id}/replay`, { token: agent, body: { state: 'failed' } })).status).toBe(403);
    expect((await api.request('GET', `/api/v1/integrations/${saved.body.id}/sync?state=dead`, { token: admin })).body.code).toBe('VALIDATION_FAILED');
    expect((await api.request('POST', `/api/v1/integrations/${saved.body.id}/replay`, { token: admin, body: { state: 'synced' } })).body.code).toBe('VALIDATION_FAILED');
    expect((await api.request('GET', `/api/v1/integrations/${randomUUID()}/sync`, { token: admin })).status).toBe(404);
  });
});
