import { ObservedResponse, OpenApiDocument, OpenApiResponseValidator, toJsonSchema } from './openapi-response-validator';

const json = (schemaName: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } });

const DOCUMENT: OpenApiDocument = {
  paths: {
    '/api/v1/things': { get: { operationId: 'listThings', responses: { 200: json('ThingList'), 401: json('ErrorBody'), 413: { $ref: '#/components/responses/TooLarge' } } } },
    '/api/v1/things/{id}': {
      get: { operationId: 'getThing', responses: { 200: json('Thing'), 404: json('ErrorBody') } },
      delete: { operationId: 'deleteThing', responses: { 204: { description: 'Deleted' } } },
    },
    '/api/v1/things/special': { get: { operationId: 'getSpecial', responses: { 200: { content: { 'text/event-stream': {} } } } } },
    '/api/v1/things/{id}/file': { get: { operationId: 'getFile', responses: { 200: { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } } } },
  },
  components: {
    responses: { TooLarge: json('ErrorBody') },
    schemas: {
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string', nullable: true, example: 'x' },
          kind: { type: 'string', enum: ['a', 'b'], nullable: true },
          owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/Owner' }] },
          extra: { type: 'object', additionalProperties: true },
        },
        required: ['id', 'name', 'kind', 'owner'],
      },
      Owner: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      ThingList: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Thing' } }, nextCursor: { type: 'string', nullable: true } }, required: ['items', 'nextCursor'] },
      ErrorBody: { type: 'object', properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } }, required: ['statusCode', 'code', 'message'] },
    },
  },
};

const ID = '1f0e2d3c-4b5a-4697-8877-665544332211';
const THING = { id: ID, name: null, kind: null, owner: null };

function answer(method: string, path: string, status: number, body: unknown, contentType: string | null = 'application/json; charset=utf-8'): ObservedResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { method, path, status, contentType, body, text };
}

describe('OpenApiResponseValidator', () => {
  const validator = new OpenApiResponseValidator(DOCUMENT, { apiPrefix: '/api/v1/', errorSchema: 'ErrorBody', unknownRouteStatuses: [404, 413] });

  it('accepts answers the document describes: nullable fields as null or values, $refs, path templates, queries', () => {
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, THING))).toEqual([]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { ...THING, name: 'n', kind: 'a', owner: { id: 'o' }, extra: { any: 1 } }))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/things?limit=2', 200, { items: [THING], nextCursor: null }))).toEqual([]);
    expect(validator.check(answer('get', `/api/v1/things/${ID}`, 404, { statusCode: 404, code: 'NOT_FOUND', message: 'x' }))).toEqual([]);
    expect(validator.check(answer('DELETE', `/api/v1/things/${ID}`, 204, '', null))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/things', 413, { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'x' }))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/things', 413, { statusCode: '413' }))).not.toEqual([]);
  });

  it('names what does not match: wrong types, missing and undocumented fields, enum values, nested $refs', () => {
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { ...THING, name: 7 }))).toEqual([expect.stringMatching(/^getThing 200 application\/json: \/name must be string,null \(value: 7\)$/)]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { id: ID, name: null, owner: null }))).toEqual([expect.stringContaining("must have required property 'kind'")]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { ...THING, surprise: true }))).toEqual([expect.stringContaining('must NOT have additional properties "surprise"')]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { ...THING, kind: 'c' }))).toEqual([expect.stringContaining('/kind must be equal to one of the allowed values')]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, { ...THING, id: 'not-a-uuid' }))).toEqual([expect.stringContaining('/id must match format "uuid"')]);
    expect(validator.check(answer('GET', '/api/v1/things', 200, { items: [{ ...THING, owner: {} }], nextCursor: null })).join('\n')).toContain("/items/0/owner must have required property 'id'");
  });

  it('flags undocumented statuses, bodies where none is documented, wrong content types and non-JSON bodies', () => {
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 500, { statusCode: 500, code: 'INTERNAL', message: 'x' }))).toEqual(['status 500 is not documented for getThing (documented: 200, 404)']);
    expect(validator.check(answer('DELETE', `/api/v1/things/${ID}`, 204, '{}'))).toEqual([expect.stringContaining('documented without a body')]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, '<html>', 'text/html'))).toEqual([expect.stringContaining('content type "text/html" is not documented')]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}`, 200, 'not json'))).toEqual([expect.stringContaining('the body is not JSON')]);
  });

  it('checks only the content type of streams and files, and prefers literal path segments over templates', () => {
    expect(validator.check(answer('GET', '/api/v1/things/special', 200, 'retry: 3000\n\n', 'text/event-stream; charset=utf-8'))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/things/special', 200, 'x', 'application/json'))).toEqual([expect.stringContaining('getSpecial 200: content type')]);
    expect(validator.check(answer('GET', `/api/v1/things/${ID}/file`, 200, '\u0000PNG', 'image/png'))).toEqual([]);
  });

  it('expects the 404 error body from an unknown route or method, and leaves paths outside the API alone', () => {
    expect(validator.check(answer('POST', '/api/v1/things', 404, { statusCode: 404, code: 'NOT_FOUND', message: 'x' }))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/nothing', 404, { statusCode: 404, code: 'NOT_FOUND', message: 'x' }))).toEqual([]);
    expect(validator.check(answer('POST', '/api/v1/nothing', 413, { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'x' }))).toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/nothing', 404, { error: 'x' }))).not.toEqual([]);
    expect(validator.check(answer('GET', '/api/v1/nothing', 200, {}))).toEqual([expect.stringContaining('no operation GET /api/v1/nothing')]);
    expect(validator.check(answer('GET', '/health/ready', 503, 'down', 'text/plain'))).toEqual([]);
  });
});

describe('toJsonSchema', () => {
  it('turns OpenAPI 3.0 nullable into JSON Schema null, leaves data (enum, default) untouched and drops OpenAPI-only keywords', () => {
    expect(toJsonSchema({ type: 'integer', nullable: true, example: 1, minimum: 0, exclusiveMinimum: true })).toEqual({ type: ['integer', 'null'], exclusiveMinimum: 0 });
    expect(toJsonSchema({ nullable: true, $ref: '#/components/schemas/X' })).toEqual({ anyOf: [{ $ref: 'urn:crm:openapi#/definitions/X' }, { type: 'null' }] });
    expect(toJsonSchema({ type: 'object', enum: [{ nullable: true }], default: { example: 1 } })).toEqual({ type: 'object', enum: [{ nullable: true }], default: { example: 1 } });
    expect(toJsonSchema({ allOf: [{ type: 'object', properties: { a: { type: 'string' } } }] })).toEqual({ allOf: [{ type: 'object', properties: { a: { type: 'string' } } }] });
  });
});
