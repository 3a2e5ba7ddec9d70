/** The parts of an OpenAPI 3 document the sweep reads. */
export interface SweepSchema {
  $ref?: string;
  allOf?: SweepSchema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  properties?: Record<string, SweepSchema>;
  required?: string[];
  items?: SweepSchema;
}

interface DocumentParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SweepSchema;
}

interface DocumentOperation {
  parameters?: DocumentParameter[];
  requestBody?: { content?: Record<string, { schema?: SweepSchema }> };
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

export interface SweepDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
  components: { schemas: Record<string, SweepSchema> };
}

/** One operation of the document: `GET /api/v1/funnels/{id}`. */
export interface SweepOperation {
  /** `GET /api/v1/funnels/{id}` — how failures name it. */
  name: string;
  method: string;
  path: string;
  pathParams: string[];
  /** Query parameters whose values are ids (`format: uuid`): filters that must not reach another account. */
  idQueryParams: string[];
  bodySchema?: SweepSchema;
  /** Answers with a stream (Server-Sent Events): the sweep reads what arrives in its first moments. */
  streaming: boolean;
  /** Security schemes the document says the operation accepts (`bearer`, …); empty for a public one. */
  security: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document, in document order. */
export function operationsOf(document: SweepDocument): SweepOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => toOperation(method, path, op)),
  );
}

function toOperation(method: string, path: string, op: DocumentOperation): SweepOperation {
  const params = op.parameters ?? [];
  const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1];
  return {
    name: `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path,
    pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
    idQueryParams: params.filter((p) => p.in === 'query' && p.schema?.format === 'uuid').map((p) => p.name),
    bodySchema: op.requestBody?.content?.['application/json']?.schema,
    streaming: Object.keys(success?.content ?? {}).includes('text/event-stream'),
    security: (op.security ?? []).flatMap((requirement) => Object.keys(requirement)),
  };
}

/** The schema behind `$ref` / a single `allOf` (what class-validator-jsonschema and @nestjs/swagger emit). */
export function resolveSchema(document: SweepDocument, schema: SweepSchema): SweepSchema {
  if (schema.$ref) return resolveSchema(document, document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.allOf?.length === 1) return { ...resolveSchema(document, schema.allOf[0]), ...withoutAllOf(schema) };
  return schema;
}

function withoutAllOf(schema: SweepSchema): SweepSchema {
  const { allOf: _allOf, ...rest } = schema;
  return rest;
}
