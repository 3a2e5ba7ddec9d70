import { FakeAmocrmServer } from './fake-amocrm.server';

describe('FakeAmocrmServer (PLATFORMS.md §6)', () => {
  let amo: FakeAmocrmServer;
  beforeAll(async () => {
    amo = await new FakeAmocrmServer().start();
  });
  afterAll(() => amo.close());

  const call = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${amo.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };

  it('OAuth: a code works once; refresh tokens rotate and are single use; an expired access token answers 401 problem+json', async () => {
    const acc = amo.addAccount();
    const client = { client_id: acc.clientId, client_secret: acc.clientSecret, redirect_uri: acc.redirectUri };
    const code = amo.issueAuthCode(acc.subdomain);
    const first = await call(`/${acc.subdomain}/oauth2/access_token`, { method: 'POST', body: { ...client, grant_type: 'authorization_code', code } });
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400, access_token: expect.any(String), refresh_token: expect.any(String) });
    expect((await call(`/${acc.subdomain}/oauth2/access_token`, { method: 'POST', body: { ...client, grant_type: 'authorization_code', code } })).status).toBe(400);

    const refreshed = await call(`/${acc.subdomain}/oauth2/access_token`, { method: 'POST', body: { ...client, grant_type: 'refresh_token', refresh_token: first.json.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(first.json.refresh_token);
    const reused = await call(`/${acc.subdomain}/oauth2/access_token`, { method: 'POST', body: { ...client, grant_type: 'refresh_token', refresh_token: first.json.refresh_token } });
    expect([reused.status, reused.type]).toEqual([400, 'application/problem+json']);

    expect((await call(`/${acc.subdomain}/api/v4/account`, { token: refreshed.json.access_token })).status).toBe(200);
    amo.expireAccessTokens(acc.subdomain);
    const expired = await call(`/${acc.subdomain}/api/v4/account`, { token: refreshed.json.access_token });
    expect([expired.status, expired.type, expired.json]).toEqual([401, 'application/problem+json', expect.objectContaining({ title: 'Unauthorized', status: 401 })]);
  });

  it('an empty search is 204 with no body; problem+json validation errors name the field; over 7 requests/s → 429', async () => {
    const acc = amo.addAccount();
    const token = amo.issueLongLivedToken(acc.subdomain);
    const none = await call(`/${acc.subdomain}/api/v4/contacts?query=9990001122`, { token });
    expect([none.status, none.text]).toEqual([204, '']);
    const refused = await call(`/${acc.subdomain}/api/v4/leads/complex`, { method: 'POST', token, body: [{ name: 'x', pipeline_id: 7001, status_id: 70021 }] });
    expect(refused.json).toMatchObject({ status: 400, 'validation-errors': [{ request_id: '0', errors: [{ path: 'status_id' }] }] });

    await new Promise((r) => setTimeout(r, 1000));
    const statuses = await Promise.all(Array.from({ length: 9 }, () => call(`/${acc.subdomain}/api/v4/account`, { token }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });
});
