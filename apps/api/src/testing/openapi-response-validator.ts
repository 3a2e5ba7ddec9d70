import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the validator reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, OpenApiResponse> };
}

interface OpenApiResponse {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, OpenApiResponse>;
}

export interface ResponseValidatorOptions {
  /** Where the documented API lives (`/api/v1/`); other paths (health, metrics, the document itself) are not checked. */
  apiPrefix: string;
  /** The component schema of error bodies, expected from an unknown route. */
  errorSchema: string;
  /** What an unknown route may answer: 404, and what the edge answers before routing (400 not JSON, 413 too large). */
  unknownRouteStatuses: number[];
}

/** One answer of the app, as the test received it. */
export interface ObservedResponse {
  method: string;
  /** The request path, query string included. */
  path: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
  text: string;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  operation: OpenApiOperation;
}

const DOCUMENT_ID = 'urn:crm:openapi';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Keywords whose value is a map of schemas / a schema / a list of schemas (everything else is data, never rewritten). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
/** OpenAPI-only keywords with no JSON Schema meaning. */
const OPENAPI_ONLY = new Set(['nullable', 'example', 'xml', 'externalDocs', 'discriminator']);

/**
 * Checks answers of the app against its OpenAPI 3.0 document: the operation of the method + path template, a
 * documented status, a documented content type and — for JSON — the body against the response schema (ajv 8; `nullable`
 * and component `$ref`s translated; objects with declared `properties` are closed, so an undocumented field is
 * drift too). Paths outside `apiPrefix` are not part of the document and pass; an unknown route under it must answer
 * one of `unknownRouteStatuses` with the error body.
 */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly document: OpenApiDocument,
    private readonly options: ResponseValidatorOptions,
  ) {
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
    addFormats(this.ajv);
    const definitions = Object.fromEntries(Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => [name, toJsonSchema(schema)]));
    this.ajv.addSchema({ $id: DOCUMENT_ID, definitions });
    this.routes = routesOf(document);
  }

  /** What is wrong with the answer (empty when it is what the document says). */
  check(res: ObservedResponse): string[] {
    const path = res.path.split(/[?#]/)[0];
    if (!path.startsWith(this.options.apiPrefix)) return [];
    const method = res.method.toLowerCase();
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) {
      if (!this.options.unknownRouteStatuses.includes(res.status)) {
        return [`no operation ${res.method.toUpperCase()} ${path} in the document, and the answer is ${res.status}, not what an unknown route answers (${this.options.unknownRouteStatuses.join(', ')})`];
      }
      return this.checkBody(`unknown-route`, { $ref: `#/components/schemas/${this.options.errorSchema}` }, res);
    }
    const label = route.operation.operationId ?? `${method} ${route.template}`;
    const responses = route.operation.responses ?? {};
    const response = this.resolve(responses[String(res.status)] ?? responses[`${String(res.status)[0]}XX`] ?? responses.default);
    if (!response) return [`status ${res.status} is not documented for ${label} (documented: ${Object.keys(responses).join(', ')})`];
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) return res.text === '' ? [] : [`${label} ${res.status} is documented without a body, the answer has one (${res.contentType})`];
    const actual = (res.contentType ?? '').split(';')[0].trim().toLowerCase();
    const mediaType = mediaTypes.find((m) => mediaTypeMatches(m, actual));
    if (!mediaType) return [`${label} ${res.status}: content type "${res.contentType}" is not documented (documented: ${mediaTypes.join(', ')})`];
    if (!isJson(mediaType)) return [];
    const schema = content[mediaType].schema;
    if (schema === undefined) return [];
    if (res.text === '' || (typeof res.body === 'string' && res.text === res.body)) return [`${label} ${res.status}: the body is not JSON: ${truncate(res.text)}`];
    return this.checkBody(`${label} ${res.status} ${mediaType}`, schema, res);
  }

  /** A response or its `$ref` to `#/components/responses/…`. */
  private resolve(response: OpenApiResponse | undefined): OpenApiResponse | undefined {
    const name = response?.$ref?.match(/^#\/components\/responses\/(.+)$/)?.[1];
    if (response?.$ref === undefined) return response;
    const target = name === undefined ? undefined : this.document.components?.responses?.[name];
    if (!target) throw new Error(`unresolvable response $ref ${response.$ref}`);
    return target;
  }

  private checkBody(key: string, schema: unknown, res: ObservedResponse): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.compiled.set(key, validate);
    }
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map((e) => `${key}: ${describeError(e, res.body)}`);
  }
}

/** OpenAPI 3.0 schema object → JSON Schema (draft-07) for ajv. */
export function toJsonSchema(node: unknown, inAllOf = false): unknown {
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#\/components\/schemas\//, `${DOCUMENT_ID}#/definitions/`);
    else if (SCHEMA_MAPS.has(key) && isPlainObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    else if (SCHEMA_VALUES.has(key)) out[key] = toJsonSchema(value);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => toJsonSchema(v, key === 'allOf'));
    else out[key] = value;
  }
  exclusiveBoundsToDraft7(out);
  // Closed objects: a field the document does not declare is a drift between the document and the code.
  if (out.properties !== undefined && out.additionalProperties === undefined && !inAllOf) out.additionalProperties = false;
  if (node.nullable !== true) return out;
  if (out.$ref !== undefined || out.allOf !== undefined || out.oneOf !== undefined || out.anyOf !== undefined) return { anyOf: [out, { type: 'null' }] };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** OpenAPI 3.0 `exclusiveMinimum: true` + `minimum` → draft-07 numeric `exclusiveMinimum` (same for the maximum). */
function exclusiveBoundsToDraft7(schema: Record<string, unknown>): void {
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[flag] !== 'boolean') continue;
    if (schema[flag] === true) {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else {
      delete schema[flag];
    }
  }
}

function routesOf(document: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    const segments = template.split('/');
    const pattern = new RegExp(`^${segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}/?$`);
    const literalSegments = segments.filter((s) => !s.startsWith('{')).length;
    for (const [method, operation] of Object.entries(item)) {
      if (HTTP_METHODS.has(method)) routes.push({ method, template, pattern, literalSegments, operation: operation as OpenApiOperation });
    }
  }
  // `/events/tickets` before `/events/{id}`: the most literal template wins, as in the router.
  return routes.sort((a, b) => b.literalSegments - a.literalSegments);
}

function mediaTypeMatches(documented: string, actual: string): boolean {
  const [type, subtype] = documented.toLowerCase().split(';')[0].trim().split('/');
  const [actualType, actualSubtype] = actual.split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

function isJson(mediaType: string): boolean {
  return /^application\/([\w.-]+\+)?json$/i.test(mediaType.split(';')[0].trim());
}

function describeError(e: ErrorObject, body: unknown): string {
  const at = e.instancePath || '(body)';
  const params = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
  const value = valueAt(body, e.instancePath);
  return `${at} ${e.message}${params} (value: ${truncate(JSON.stringify(value) ?? String(value))})`;
}

function valueAt(body: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), body);
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
