import type { ChannelType } from '@crm/contracts';
import { resolveSchema, type SweepDocument, type SweepOperation, type SweepSchema } from './openapi-operations';
import type { TenantEntities } from './tenant-seed';

export type EntityKind = 'channel' | 'integration' | 'funnel' | 'stage' | 'client' | 'otherClient' | 'dialog' | 'message' | 'lead' | 'syncRecord';

/** `:id` of a resource path (`/api/v1/<resource>/{id}`) is an entity of this kind. */
const RESOURCE_KINDS: Record<string, EntityKind> = {
  channels: 'channel',
  integrations: 'integration',
  funnels: 'funnel',
  dialogs: 'dialog',
  clients: 'client',
  leads: 'lead',
};

/** Any other id — a path/query parameter or a body field — by its name. */
const NAMED_KINDS: Record<string, EntityKind> = {
  channelId: 'channel',
  integrationId: 'integration',
  funnelId: 'funnel',
  stageId: 'stage',
  clientId: 'client',
  intoClientId: 'otherClient',
  dialogId: 'dialog',
  messageId: 'message',
  leadId: 'lead',
  syncRecordId: 'syncRecord',
  // GET /audit?entityId=: the seeded audit entry is about the client.
  entityId: 'client',
};

/** Path parameters that are not ids. */
const LITERAL_PARAMS: Record<string, string> = {
  // Position of an attachment in its message (the seeded message has one).
  n: '0',
};

/** An operation the sweep does not know how to call: the test fails with this message rather than skip it. */
export class UnconstructibleOperation extends Error {
  constructor(operation: string, what: string) {
    super(`${operation}: the sweep cannot construct ${what} — teach apps/api/src/security/sweep/sweep-request.ts about it`);
  }
}

export interface SweepRequest {
  method: string;
  /** Path with query string. */
  path: string;
  body?: unknown;
}

/** The id of `kind` in `tenant` (`channelType` picks the channel). */
export function idOf(tenant: TenantEntities, kind: EntityKind, channelType: ChannelType = 'telegram'): string {
  return kind === 'channel' ? tenant.channels[channelType] : tenant[kind];
}

/** The kind of each path parameter of `op` (literal parameters have none). */
export function pathParamKinds(op: SweepOperation): Record<string, EntityKind | null> {
  const resource = /^\/api\/v1\/([^/]+)\//.exec(op.path)?.[1] ?? '';
  return Object.fromEntries(
    op.pathParams.map((name) => {
      if (name in LITERAL_PARAMS) return [name, null];
      const kind = name === 'id' ? RESOURCE_KINDS[resource] : NAMED_KINDS[name];
      if (!kind) throw new UnconstructibleOperation(op.name, `path parameter "${name}"`);
      return [name, kind];
    }),
  );
}

/** The kind of an id query parameter (`?clientId=`). */
export function queryParamKind(op: SweepOperation, name: string): EntityKind {
  const kind = NAMED_KINDS[name];
  if (!kind) throw new UnconstructibleOperation(op.name, `query parameter "${name}"`);
  return kind;
}

export interface RequestIds {
  /** Whose entities fill path parameters and body ids. */
  tenant: TenantEntities;
  /** Whose entities fill body ids, when not `tenant`'s. */
  bodyTenant?: TenantEntities;
  /** Path parameters taken from elsewhere (another account's id). */
  overrides?: Record<string, string>;
  channelType?: ChannelType;
  query?: Record<string, string>;
}

/** A request of `op` that passes validation: path parameters and body ids from `ids`, the body from the document. */
export function buildRequest(document: SweepDocument, op: SweepOperation, ids: RequestIds): SweepRequest {
  const kinds = pathParamKinds(op);
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = ids.overrides?.[name] ?? (kinds[name] ? idOf(ids.tenant, kinds[name], ids.channelType) : LITERAL_PARAMS[name]);
    return encodeURIComponent(value);
  });
  const query = ids.query && Object.keys(ids.query).length > 0 ? `?${new URLSearchParams(ids.query).toString()}` : '';
  const bodyIds = ids.bodyTenant ? { ...ids, tenant: ids.bodyTenant } : ids;
  const body = op.bodySchema ? sampleValue(document, op, op.bodySchema, 'body', bodyIds) : undefined;
  return { method: op.method, path: `${path}${query}`, body };
}

/**
 * A valid value of `schema`: ids by field name, otherwise the documented example, the first enum value or a minimal
 * value of the type. Objects get their required properties and their known id properties; an object with neither
 * gets its first documented property (an update changes one thing).
 */
function sampleValue(document: SweepDocument, op: SweepOperation, raw: SweepSchema, where: string, ids: RequestIds): unknown {
  const schema = resolveSchema(document, raw);
  if (schema.type === 'object' || schema.properties) return sampleObject(document, op, schema, where, ids);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
  if (schema.type === 'boolean') return false;
  if (schema.type === 'array') return [];
  if (schema.type === 'string') return 'x';
  throw new UnconstructibleOperation(op.name, `a value for ${where}`);
}

function sampleObject(document: SweepDocument, op: SweepOperation, schema: SweepSchema, where: string, ids: RequestIds): unknown {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0) return schema.example ?? {};
  const required = new Set(schema.required ?? []);
  const result: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const resolved = resolveSchema(document, property);
    if (resolved.format === 'uuid') {
      const kind = NAMED_KINDS[name];
      if (kind) result[name] = idOf(ids.tenant, kind, ids.channelType);
      else if (required.has(name)) throw new UnconstructibleOperation(op.name, `the id ${where}.${name}`);
    } else if (required.has(name)) {
      result[name] = sampleValue(document, op, property, `${where}.${name}`, ids);
    }
  }
  if (Object.keys(result).length === 0) {
    const [name, property] = Object.entries(properties).find(([, p]) => resolveSchema(document, p).example !== undefined) ?? Object.entries(properties)[0];
    result[name] = sampleValue(document, op, property, `${where}.${name}`, ids);
  }
  return result;
}
