import { sign } from 'jsonwebtoken';
import { ApiHarness, startApiHarness } from './testing/api-test-harness';

describe('api edge: auth, errors, limits, OpenAPI', () => {
  let api: ApiHarness;
  let accountId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    accountId = await api.createAccount();
  });
  afterAll(() => api.close());

  it('accepts a valid bearer token and tells who it belongs to', async () => {
    const token = api.token(accountId, 'agent', 'user-1');
    const res = await api.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: 'user-1', accountId, role: 'agent' });
  });

  it.each([
    ['no header', undefined],
    ['garbage', 'Bearer not-a-jwt'],
    ['wrong secret', `Bearer ${sign({ sub: 'u', accountId: '00000000-0000-4000-8000-000000000001', role: 'admin' }, 'another-secret-xxxxxxxx', { algorithm: 'HS256' })}`],
    ['alg none', `Bearer ${sign({ sub: 'u', accountId: '00000000-0000-4000-8000-000000000001', role: 'admin' }, '', { algorithm: 'none' })}`],
    ['unknown role', 'ROLE'],
    ['expired', 'EXPIRED'],
  ])('answers 401 UNAUTHORIZED for %s, in Russian by default', async (_name, header) => {
    let authorization = header;
    if (header === 'ROLE') authorization = `Bearer ${sign({ sub: 'u', accountId, role: 'owner' }, api.env.AUTH_JWT_SECRET!, { algorithm: 'HS256' })}`;
    if (header === 'EXPIRED') authorization = `Bearer ${sign({ sub: 'u', accountId, role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, api.env.AUTH_JWT_SECRET!, { algorithm: 'HS256' })}`;
    const res = await api.request('GET', '/api/v1/me', { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Требуется авторизация', requestId: expect.any(String) });
  });

  it('speaks English when Accept-Language prefers it', async () => {
    const res = await api.request('GET', '/api/v1/me', { headers: { 'accept-language': 'en-US,en;q=0.9,ru;q=0.5' } });
    expect(res.body.message).toBe('Authentication required');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await api.request('GET', '/api/v1/nothing-here', { token: api.token(accountId) });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('refuses an oversized body with 413 and malformed JSON with 400, in the error shape', async () => {
    const big = await api.request('POST', '/api/v1/me', { token: api.token(accountId), body: { blob: 'x'.repeat(300 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    const bad = await api.request('POST', '/api/v1/me', { token: api.token(accountId), body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('serves the OpenAPI document with bearer auth', async () => {
    const res = await api.request('GET', '/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/me']).toBeDefined();
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
