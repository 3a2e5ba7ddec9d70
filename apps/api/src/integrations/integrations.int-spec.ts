import { FakeBitrix24Server } from '@crm/testing';
import { overrideAvailability } from '../channel-types/testing/type-availability';
import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

describe('integrations: Bitrix24 and amoCRM settings validated by their verifiers, secrets encrypted and masked', () => {
  let api: ApiHarness;
  let admin: string;
  // Saving a Bitrix24 integration calls the portal (crm.lead.fields): a local fake, reachable with CRM_ALLOW_LOOPBACK_URLS.
  let portal: FakeBitrix24Server;
  beforeAll(async () => {
    portal = await FakeBitrix24Server.start();
    api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true' });
    admin = api.token(await api.createAccount());
  });
  afterAll(async () => {
    await api?.close();
    await portal?.close();
  });
  const req = (method: string, path: string, body?: unknown) => api.request(method, path, { token: admin, body });

  const amo = {
    subdomain: 'mycompany',
    clientId: '0c1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b',
    clientSecret: 'Xq3vS9dLkT0pYw2zR8mN4bC6fH1jG5aQ',
    redirectUri: 'https://crm.example.com/oauth/amocrm',
    longLivedToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwYzFhIn0.c2lnbmF0dXJlc2lnbmF0dXJl',
  };

  it('refuses both CRM types while their forwarding does not exist: 422 INTEGRATION_TYPE_UNAVAILABLE in ru and en, nothing saved', async () => {
    // Marked unavailable here, whatever the verifiers' flags say by the time this runs (each CRM's issue flips its own).
    const restore = overrideAvailability(api.service.app, { integrationTypes: { bitrix24: false, amocrm: false } });
    for (const [type, title, settings] of [
      ['bitrix24', 'Bitrix24', { webhookUrl: 'https://shop.bitrix24.ru/rest/12/k3y5ecretc0de/' }],
      ['amocrm', 'amoCRM', amo],
    ] as const) {
      const ru = await req('POST', '/api/v1/integrations', { type, name: title, settings });
      expect([type, ru.status, ru.body]).toEqual([
        type,
        422,
        expect.objectContaining({
          statusCode: 422,
          code: 'INTEGRATION_TYPE_UNAVAILABLE',
          message: `Интеграция с ${title} пока недоступна: пересылка в эту CRM ещё не работает`,
          details: [{ path: 'type', constraints: [expect.any(String)] }],
        }),
      ]);
      const en = await api.request('POST', '/api/v1/integrations', { token: admin, body: { type, name: title, settings }, headers: { 'accept-language': 'en' } });
      expect(en.body.message).toBe(`The ${title} integration is not available yet: forwarding to this CRM does not work yet`);
    }
    restore();
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM integrations`)).toEqual([{ n: 0 }]);
  });

  // The rest of this suite covers what an integration of these types stores and shows once its CRM's issue marks the
  // type available (the flag on its verifier), so the type is marked available here.
  describe('with the CRM types marked available', () => {
    let restore: () => void;
    beforeAll(() => {
      restore = overrideAvailability(api.service.app, { integrationTypes: { bitrix24: true, amocrm: true } });
    });
    afterAll(() => restore?.());

    it('creates, lists, updates and deletes, never returning a secret unmasked and storing it only encrypted', async () => {
      const hook = portal.addWebhook({ userId: 12, code: 'k3y5ecretc0de' });
      const b24 = await req('POST', '/api/v1/integrations', { type: 'bitrix24', name: 'Bitrix24', settings: { webhookUrl: hook.url } });
      expect(b24.status).toBe(201);
      expect(b24.body).toMatchObject({ type: 'bitrix24', name: 'Bitrix24', status: 'active', statusReason: null, settings: { webhookUrl: `${portal.baseUrl}/rest/12/••••de/`, portal: '127.0.0.1', userId: 12 } });
      const created = await req('POST', '/api/v1/integrations', { type: 'amocrm', name: 'amoCRM', settings: amo });
      expect(created.status).toBe(201);
      expect(created.body.settings).toEqual({ subdomain: 'mycompany', clientId: amo.clientId, redirectUri: amo.redirectUri, clientSecret: '••••aQ', longLivedToken: '••••Jl' });
      const row = (await api.dataSource.query(`SELECT settings, secrets_encrypted FROM integrations WHERE id = $1`, [created.body.id]))[0];
      expect(JSON.stringify(row)).not.toContain(amo.clientSecret);
      expect(row.secrets_encrypted).toMatch(/^v1\./);

      // Switching amoCRM to an auth code drops the stored long-lived token; masked values echoed back change nothing.
      const switched = await req('PATCH', `/api/v1/integrations/${created.body.id}`, { name: 'amo', settings: { authCode: 'def5020012345678901234567890abcdef', clientSecret: '••••aQ' } });
      expect(switched.status).toBe(200);
      expect(switched.body.settings).toEqual({ subdomain: 'mycompany', clientId: amo.clientId, redirectUri: amo.redirectUri, clientSecret: '••••aQ', authCode: '••••ef' });

      const list = await req('GET', '/api/v1/integrations');
      expect(list.body.items.map((i: any) => i.name)).toEqual(['Bitrix24', 'amo']);
      const all = [b24.text, created.text, switched.text, list.text].join();
      for (const s of [amo.clientSecret, amo.longLivedToken, 'k3y5ecretc0de', 'def5020012345678901234567890abcdef']) expect(all).not.toContain(s);

      expect((await req('DELETE', `/api/v1/integrations/${created.body.id}`)).status).toBe(204);
      expect((await req('GET', `/api/v1/integrations/${created.body.id}`)).body.code).toBe('INTEGRATION_NOT_FOUND');
    });

    it.each([
      ['a Bitrix24 URL that is not an incoming webhook', 'bitrix24', { webhookUrl: 'https://shop.bitrix24.ru/crm/lead/' }, ['settings.webhookUrl']],
      ['a Bitrix24 webhook over http', 'bitrix24', { webhookUrl: 'http://shop.bitrix24.ru/rest/1/abcdefgh12/' }, ['settings.webhookUrl']],
      ['an unknown key', 'bitrix24', { webhookUrl: 'https://shop.bitrix24.ru/rest/1/abcdefgh12/', scope: 'crm' }, ['settings.scope']],
      ['amoCRM with both an auth code and a long-lived token', 'amocrm', { ...amo, authCode: 'def5020012345678901234567890abcdef' }, ['settings.authCode']],
      ['amoCRM with neither', 'amocrm', { ...amo, longLivedToken: undefined }, ['settings.authCode', 'settings.longLivedToken']],
      ['amoCRM with a bad subdomain and client id', 'amocrm', { ...amo, subdomain: 'my.company.amocrm.ru', clientId: '42' }, ['settings.clientId', 'settings.subdomain']],
    ])('refuses %s with 400 INTEGRATION_SETTINGS_INVALID naming the fields', async (_name, type, settings, paths) => {
      const res = await req('POST', '/api/v1/integrations', { type, name: 'x', settings });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INTEGRATION_SETTINGS_INVALID');
      expect([...new Set(res.body.details.map((d: any) => d.path))].sort()).toEqual(paths);
    });

    it('refuses to delete an integration channels forward to (409 naming them)', async () => {
      const integration = (await req('POST', '/api/v1/integrations', { type: 'bitrix24', name: 'B', settings: { webhookUrl: portal.addWebhook().url } })).body;
      const channel = (await req('POST', '/api/v1/channels', { name: 'Чат', type: 'widget', integrationId: integration.id, settings: { allowedOrigins: ['https://a.example'] } })).body;
      const refused = await req('DELETE', `/api/v1/integrations/${integration.id}`);
      expect(refused.body).toMatchObject({ statusCode: 409, code: 'INTEGRATION_IN_USE', details: { channels: [{ id: channel.id, name: 'Чат' }] } });
    });
  });
});
