// The public endpoints under abuse and the malformed requests each gets: every operation of the api's OpenAPI document
// (so a new route is covered by itself; bodies from its request schema, wrong values for its query and path
// parameters, some calls without or with a forged token), each webhook type's channel (authentic calls — the right
// secret or signature over the malformed bytes — so parsing is reached, and some with a wrong one) and the widget's
// visitor API. Pure apart from the signing callbacks: no I/O.
import { randomUUID } from 'node:crypto';
import { abuseBodies, type AbuseBody, type AbuseTemplate, type FieldType, seededRandom } from './abuse-bodies';

export interface AbuseRequest {
  kind: string;
  method: string;
  /** Path and query, on the public origin. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Why storing what it carries is no violation (see AbuseBody.tolerable). */
  tolerable?: string;
}

export interface AbuseTarget {
  /** `POST /api/v1/clients`, `POST /webhooks/telegram/:channelId`… */
  name: string;
  /** The service that answers it (its process is checked for life, readiness and memory). */
  service: string;
  /** Its 2xx answers may put records on channels.inbound.v1 (webhooks, widget): sent one at a time, and each 2xx
   * that did is named by its kind. */
  publishesInbound?: boolean;
  requests(count: number, seed: number): Generator<AbuseRequest>;
}

/** The api's JSON body limit (service-kit's default) and the widget's. */
export const API_BODY_LIMIT = 256 * 1024;
export const WIDGET_BODY_LIMIT = 32 * 1024;

type Schema = Record<string, unknown>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Schema[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 20 && typeof s.$ref === 'string'; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {};
  const all = s.allOf as Schema[] | undefined;
  if (all) {
    const parts = all.map((p) => resolve(doc, p));
    return { type: 'object', ...s, allOf: undefined, properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), s.properties ?? {}) };
  }
  const one = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  return one?.length ? resolve(doc, one[0]) : s;
}

function schemaType(s: Schema): FieldType {
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (typeof type === 'string' && ['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(type)) return type as FieldType;
  return s.properties ? 'object' : 'unknown';
}

function stringExample(s: Schema): string {
  if (Array.isArray(s.enum) && s.enum.length > 0) return String(s.enum[0]);
  const byFormat: Record<string, string> = { uuid: randomUUID(), 'date-time': '2026-03-01T10:00:00.000Z', date: '2026-03-01', email: 'abuse@example.com', uri: 'https://example.com/x', url: 'https://example.com/x' };
  return byFormat[String(s.format)] ?? 'abuse';
}

/** A valid-looking value of a schema (its example when it has one) and the declared type of every field under it. */
export function templateOf(doc: OpenApiDocument, schema: Schema | undefined, path: string[] = [], types: Record<string, FieldType> = {}, depth = 0): { value: unknown; types: Record<string, FieldType> } {
  const s = resolve(doc, schema);
  const type = schemaType(s);
  if (path.length > 0) types[path.join('.')] = type;
  let value: unknown;
  if (depth > 8) value = undefined;
  else if (type === 'object' && s.properties) {
    const props = s.properties as Record<string, Schema>;
    value = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, templateOf(doc, p, [...path, k], types, depth + 1).value]));
  } else if (s.example !== undefined) value = s.example;
  else if (type === 'array') value = [templateOf(doc, s.items as Schema, [...path, '0'], types, depth + 1).value];
  else if (type === 'object') value = {};
  else if (type === 'string') value = stringExample(s);
  else if (type === 'integer' || type === 'number') value = typeof s.minimum === 'number' ? s.minimum : 1;
  else if (type === 'boolean') value = true;
  return { value, types };
}

/** Query values that are wrong for nearly any parameter (types, ranges, encodings, sizes). */
const BAD_QUERY_VALUES = ['abc', '-1', '0', '1.5', '1e400', '99999999999999999999', '%ff', '%00', '', 'A'.repeat(8_000), '[]', '{}', 'null', 'true', '0x10', '%20%201', '__proto__'];
const BAD_IDS = ['not-a-uuid', '%ff', '%00', 'A'.repeat(4_000), '..%2F..%2Fetc', '00000000-0000-0000-0000-00000000000g', '%7B%7D', randomUUID().toUpperCase()];

export interface RestAuth {
  /** `Bearer …` of an admin of the run's account. */
  admin: string;
}

/** One target per operation of the document: bodies from the request schema, bad query and path values, bad tokens. */
export function restTargets(doc: OpenApiDocument, auth: RestAuth): AbuseTarget[] {
  const targets: AbuseTarget[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...((item as { parameters?: Schema[] }).parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(doc, p));
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const template = templateOf(doc, bodySchema ?? { type: 'object', properties: { unexpected: { type: 'string' } } });
      targets.push({
        name: `${method.toUpperCase()} ${route}`,
        service: 'api',
        requests: (count, seed) => restRequests({ method: method.toUpperCase(), route, params, template: { ...template, bodyLimit: API_BODY_LIMIT }, auth, count, seed }),
      });
    }
  }
  return targets;
}

interface RestInput {
  method: string;
  route: string;
  params: Schema[];
  template: AbuseTemplate;
  auth: RestAuth;
  count: number;
  seed: number;
}

function* restRequests(input: RestInput): Generator<AbuseRequest> {
  const random = seededRandom(input.seed ^ 0x5eed);
  const query = input.params.filter((p) => p.in === 'query').map((p) => String(p.name));
  const pathParams = input.params.filter((p) => p.in === 'path').map((p) => String(p.name));
  const pathWith = (bad?: string) => input.route.replace(/\{([^}]+)\}/g, () => (bad !== undefined ? bad : randomUUID()));
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  let i = 0;
  for (const body of abuseBodies(input.template, input.count, input.seed)) {
    const n = i++;
    const headers: Record<string, string> = { 'accept-language': 'en' };
    // Most calls as the account's admin (validation must be reached); every 10th without a token, every 10th with a forged one.
    if (n % 10 === 3) headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.';
    else if (n % 10 !== 7) headers.authorization = input.auth.admin;
    let path = pathWith();
    if (pathParams.length > 0 && n % 7 === 5) path = pathWith(pick(BAD_IDS));
    if (query.length > 0 && n % 3 === 1) {
      const q = pick(query);
      path += `?${q}=${pick(BAD_QUERY_VALUES)}${random() < 0.3 ? `&${q}=${pick(BAD_QUERY_VALUES)}` : ''}`;
    }
    yield withBody({ kind: body.kind, method: input.method, path, headers }, body);
  }
}

function withBody(request: AbuseRequest, body: AbuseBody): AbuseRequest {
  return { ...request, headers: { ...request.headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) }, body: body.body, tolerable: body.tolerable };
}

export interface WebhookTemplate {
  type: string;
  channelId: string;
  /** A valid call (url on the public origin, headers, body) whose bytes are the template. */
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyLimit: number;
  /** Headers of an authentic call with these bytes (WhatsApp signs the body; the others keep theirs). */
  authentic(body: Buffer, headers: Record<string, string>): Record<string, string>;
  /** The same call made unauthentic: wrong secret, signature or path secret. */
  forged(request: AbuseRequest): AbuseRequest;
}

/** A webhook type's target: malformed bodies as authentic calls of the real channel (every 10th forged). */
export function webhookTarget(hook: WebhookTemplate): AbuseTarget {
  const url = new URL(hook.url);
  return {
    name: `POST /webhooks/${hook.type}/:channelId${url.pathname.split('/').length > 4 ? '/…' : ''}`,
    service: `connector-${hook.type}`,
    publishesInbound: true,
    *requests(count, seed) {
      let i = 0;
      for (const body of abuseBodies({ value: JSON.parse(hook.body), bodyLimit: hook.bodyLimit }, count, seed)) {
        const base = withBody({ kind: body.kind, method: 'POST', path: url.pathname + url.search, headers: { ...hook.headers } }, body);
        if (!body.contentType) delete base.headers['content-type'];
        const authentic = { ...base, headers: hook.authentic(base.body!, base.headers), tolerable: base.tolerable ?? wellFormedObject(base.body!) };
        yield i++ % 10 === 9 ? { ...hook.forged(authentic), tolerable: undefined } : authentic;
      }
    },
  };
}

/** Platforms' payloads are read tolerantly (DESIGN §6): an authentic, well-formed JSON object whose unread fields have
 * other types is a call the connector may store. Broken syntax, other shapes and forged calls must store nothing. */
function wellFormedObject(body: Buffer): string | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? 'an authentic, well-formed object (unread fields are not checked)' : undefined;
  } catch {
    return undefined;
  }
}

export interface WidgetAccess {
  publicKey: string;
  origin: string;
  /** `Bearer <visitor token>` of a session started before the abuse. */
  visitor: string;
}

/** The visitor API of one widget channel: session, send and history, with the page's Origin and the visitor's token. */
export function widgetTargets(access: WidgetAccess): AbuseTarget[] {
  const base = `/widget/v1/${access.publicKey}`;
  const headers = (n: number): Record<string, string> => {
    const h: Record<string, string> = { origin: n % 10 === 4 ? 'https://evil.example' : access.origin, 'accept-language': 'en' };
    if (n % 10 !== 6) h.authorization = n % 10 === 8 ? 'Bearer forged.visitor.token' : access.visitor;
    return h;
  };
  const target = (name: string, method: string, path: string, value: unknown, query: string[]): AbuseTarget => ({
    name,
    service: 'connector-widget',
    publishesInbound: method === 'POST',
    *requests(count, seed) {
      const random = seededRandom(seed ^ 0x71d);
      let i = 0;
      for (const body of abuseBodies({ value, bodyLimit: WIDGET_BODY_LIMIT }, count, seed)) {
        const n = i++;
        let p = n % 9 === 2 ? path.replace(access.publicKey, BAD_IDS[n % BAD_IDS.length]) : path;
        if (query.length > 0 && n % 3 === 1) p += `?${query[n % query.length]}=${BAD_QUERY_VALUES[Math.floor(random() * BAD_QUERY_VALUES.length)]}`;
        yield withBody({ kind: body.kind, method, path: p, headers: headers(n) }, body);
      }
    },
  });
  return [
    target('POST /widget/v1/:key/session', 'POST', `${base}/session`, { token: 'abuse-token', profile: { name: 'Abuse', phone: '+79990000000', email: 'abuse@example.com' } }, []),
    target('POST /widget/v1/:key/messages', 'POST', `${base}/messages`, { clientMessageId: randomUUID(), text: 'abuse', page: { url: 'https://shop.example/p', title: 'Page' } }, []),
    target('GET /widget/v1/:key/messages', 'GET', `${base}/messages`, { limit: 10, before: 'cursor' }, ['limit', 'before', 'after']),
  ];
}
