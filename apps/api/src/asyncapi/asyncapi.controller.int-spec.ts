import { buildAsyncApiDocument } from '@crm/asyncapi';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';

// GET /api/docs/asyncapi.json: the Kafka contract, served by the running api next to the OpenAPI document.
describe('GET /api/docs/asyncapi.json', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness();
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('serves the generated AsyncAPI 3.0 document without a token, like /api/docs-json', async () => {
    const res = await api.request('GET', '/api/docs/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
    expect(res.body.asyncapi).toBe('3.0.0');
    expect((await api.request('GET', '/api/docs-json')).status).toBe(200);
  });

  it('is not an endpoint of the REST contract: the OpenAPI document does not list it', async () => {
    const openapi = (await api.request('GET', '/api/docs-json')).body;
    expect(Object.keys(openapi.paths).length).toBeGreaterThan(0);
    expect(Object.keys(openapi.paths).filter((p) => p.includes('asyncapi'))).toEqual([]);
  });
});
