import { operationsOf, type SweepDocument } from './openapi-operations';
import { buildRequest, UnconstructibleOperation } from './sweep-request';
import type { TenantEntities } from './tenant-seed';

const tenant = {
  accountId: 'acc',
  channels: { telegram: 'ch-tg', whatsapp: 'ch-wa', vk: 'ch-vk', avito: 'ch-av', widget: 'ch-wi' },
  integration: 'int',
  funnel: 'fun',
  stage: 'stg',
  client: 'cli',
  otherClient: 'cli-2',
  dialog: 'dlg',
  message: 'msg',
  lead: 'lea',
  syncRecord: 'syn',
} satisfies TenantEntities;

const uuid = { type: 'string', format: 'uuid' };
const document: SweepDocument = {
  paths: {
    '/api/v1/funnels/{id}/stages/{stageId}': {
      patch: {
        parameters: [{ name: 'id', in: 'path' }, { name: 'stageId', in: 'path' }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateStage' } } } },
        responses: { 200: {} },
      },
    },
    '/api/v1/clients/{id}/merge': {
      post: {
        parameters: [{ name: 'id', in: 'path' }],
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { intoClientId: uuid, note: { type: 'string', example: 'n' } }, required: ['intoClientId'] } } } },
        responses: { 200: {} },
      },
    },
    '/api/v1/widgets/{id}': { get: { parameters: [{ name: 'id', in: 'path' }], responses: { 200: {} } } },
    '/api/v1/leads/{id}/notes': {
      post: {
        parameters: [{ name: 'id', in: 'path' }],
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { authorId: uuid }, required: ['authorId'] } } } },
        responses: { 201: {} },
      },
    },
  },
  components: { schemas: { UpdateStage: { type: 'object', properties: { name: { type: 'string', example: 'Переговоры' }, position: { type: 'integer', minimum: 0 } } } } },
};
const [updateStage, merge, unknownResource, unknownBodyId] = operationsOf(document);

describe('sweep requests built from the OpenAPI document', () => {
  it('fills path parameters and body ids from the tenant by name; an update changes its first documented field', () => {
    expect(buildRequest(document, updateStage, { tenant })).toEqual({ method: 'PATCH', path: '/api/v1/funnels/fun/stages/stg', body: { name: 'Переговоры' } });
    expect(buildRequest(document, merge, { tenant })).toEqual({ method: 'POST', path: '/api/v1/clients/cli/merge', body: { intoClientId: 'cli-2' } });
  });

  it('takes overridden parameters, body ids of another tenant and filters', () => {
    const other = { ...tenant, client: 'x-cli', otherClient: 'x-cli-2', stage: 'x-stg' };
    expect(buildRequest(document, updateStage, { tenant, overrides: { stageId: 'x-stg' }, query: { q: '1' } }).path).toBe('/api/v1/funnels/fun/stages/x-stg?q=1');
    expect(buildRequest(document, merge, { tenant, bodyTenant: other })).toMatchObject({ path: '/api/v1/clients/cli/merge', body: { intoClientId: 'x-cli-2' } });
  });

  it('an operation it cannot build fails with the operation name (never skipped)', () => {
    expect(() => buildRequest(document, unknownResource, { tenant })).toThrow(UnconstructibleOperation);
    expect(() => buildRequest(document, unknownResource, { tenant })).toThrow('GET /api/v1/widgets/{id}: the sweep cannot construct path parameter "id"');
    expect(() => buildRequest(document, unknownBodyId, { tenant })).toThrow('POST /api/v1/leads/{id}/notes: the sweep cannot construct the id body.authorId');
  });
});
