import { ErrorCode } from '@crm/domain';
import { HTTP_STATUS_OF } from './http/http-status.map';
import { ApiHarness, startApiHarness } from './testing/api-test-harness';
import { formatOpenApiProblem, lintOpenApi } from './testing/openapi-lint';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: unknown; examples?: Record<string, { value: unknown }> }> }>;
}
type Response = Operation['responses'][string] & { $ref?: string };
interface Document {
  tags?: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, Response> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operations(document: Document): Array<{ where: string; op: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );
}

/** The document as /api/docs-json serves it, checked for what a generated client relies on. */
describe('OpenAPI document (/api/docs-json)', () => {
  let api: ApiHarness;
  let document: Document;
  beforeAll(async () => {
    api = await startApiHarness();
    const res = await api.request('GET', '/api/docs-json');
    expect(res.status).toBe(200);
    document = res.body as Document;
  });
  afterAll(() => api.close());

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    const problems = await lintOpenApi(document);
    expect(problems.map(formatOpenApiProblem)).toEqual([]);
  });

  it('the lint really lints: a document without servers, license and summaries gets those problems', async () => {
    const broken = { openapi: '3.0.0', info: { title: 'x', version: '1' }, paths: { '/x': { get: { operationId: 'x', responses: { 200: { description: 'OK' } } } } } };
    const rules = (await lintOpenApi(broken)).map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['no-empty-servers', 'info-license', 'operation-summary', 'operation-4xx-response', 'security-defined']));
  });

  it('describes every error answer with the ErrorBody schema, and each example code has that status', () => {
    const wrong: string[] = [];
    for (const { where, op } of operations(document)) {
      for (const [status, declared] of Object.entries(op.responses as Record<string, Response>)) {
        if (Number(status) < 400) continue;
        const response = declared.$ref ? document.components.responses?.[declared.$ref.replace('#/components/responses/', '')] : declared;
        if (!response) {
          wrong.push(`${where} ${status}: unresolvable ${declared.$ref}`);
          continue;
        }
        const json = response.content?.['application/json'];
        if (json?.schema?.$ref !== '#/components/schemas/ErrorBody') wrong.push(`${where} ${status}: not ErrorBody`);
        const examples = json?.example !== undefined ? [json.example] : Object.values(json?.examples ?? {}).map((e) => e.value);
        for (const example of examples as Array<{ code: ErrorCode; statusCode: number }>) {
          if (HTTP_STATUS_OF[example.code] !== Number(status) || example.statusCode !== Number(status)) {
            wrong.push(`${where} ${status}: example ${example.code} is answered with ${HTTP_STATUS_OF[example.code]} (statusCode ${example.statusCode})`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents what the edge answers on every route: 400 for a body that is not JSON, 413 over the limit, 500', () => {
    const missing = operations(document).flatMap(({ where, op }) => ['400', '413', '500'].filter((s) => !op.responses[s]).map((s) => `${where} ${s}`));
    expect(missing).toEqual([]);
  });

  it('names every operation with a unique camelCase operationId and declares every tag it uses', () => {
    const ops = operations(document);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set((document.tags ?? []).map((t) => t.name));
    expect(ops.flatMap(({ where, op }) => (op.tags ?? []).filter((t) => !declared.has(t)).map((t) => `${where}: ${t}`))).toEqual([]);
  });
});
