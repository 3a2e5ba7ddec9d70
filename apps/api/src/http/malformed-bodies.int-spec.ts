import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

/** Bodies the abuse suite (tools/chaos/abuse) found answered 500: each is a 400 VALIDATION_FAILED at the edge now. */
describe('api edge: malformed bodies are 400, never 500', () => {
  let api: ApiHarness;
  let token: string;
  beforeAll(async () => {
    api = await startApiHarness();
    token = api.token(await api.createAccount(), 'admin');
  });
  afterAll(() => api.close());

  it.each([
    ['10,000 nested arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10,000 nested objects in a field', `{"name":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`],
  ])('refuses %s before validation walks it (was a stack overflow)', async (_name, body) => {
    const res = await api.request('POST', '/api/v1/funnels', { token, body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '', constraints: ['body nests deeper than 64 levels'] }] });
  });

  it('refuses a funnel stage that is an array instead of an object (was a NOT NULL violation)', async () => {
    const res = await api.request('POST', '/api/v1/funnels', { token, body: { name: 'Sales', stages: [['x', 1]] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'stages' })]));
  });
});
