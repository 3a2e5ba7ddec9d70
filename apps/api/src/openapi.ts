import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, getSchemaPath, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorCode, errorMessage } from '@crm/domain';
import { HTTP_STATUS_OF } from './http/http-status.map';
import { ErrorBody, EXAMPLE_REQUEST_ID } from './http/error-body';

/** Security scheme of `GET /api/v1/events?ticket=` (a browser's EventSource cannot send the Authorization header). */
export const EVENT_TICKET_SECURITY = 'eventTicket';

/** The tags of the document, in the order a reader meets them; a tag an operation uses but not listed here is added at the end. */
const TAGS: Array<[name: string, description: string]> = [
  ['auth', 'Who the bearer token belongs to'],
  ['channel types', 'What the channels wizard offers: settings fields, instructions, capabilities of each platform'],
  ['integrations', 'External CRMs (Bitrix24, amoCRM) the account forwards clients, leads and messages to'],
  ['funnels', 'Sales funnels and their stages, where routing puts new leads'],
  ['channels', 'Connected channels (Telegram, WhatsApp, VK, Avito, website widget): the wizard, activation, templates'],
  ['dialogs', 'Conversations of the channels: messages, replies, attachments'],
  ['clients', 'Clients found or created by routing, with their platform identities'],
  ['leads', 'Leads created or linked by routing, and their sync state towards the CRMs'],
  ['events', 'Live events of the account (Server-Sent Events)'],
  ['routing', 'What the routing rules would do with a first message, without writing anything'],
  ['audit', 'Who did what to personal data (merge, export, erase), for admins'],
];

/** The OpenAPI document of the app, exactly as /api/docs-json serves it. */
export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('crm-channels API')
    .setDescription(
      'Communication channels section of the CRM: channels wizard, integrations, funnels, dialogs, clients, leads, live events. ' +
        'Every request needs `Authorization: Bearer <JWT>` (HS256, claims sub, accountId, role admin|agent, exp). ' +
        'Errors: `{ statusCode, code, message, details?, requestId }` (schema ErrorBody); messages in Russian unless Accept-Language prefers English. ' +
        'An unknown route answers 404 NOT_FOUND with the same body; a body that is not JSON answers 400 VALIDATION_FAILED. ' +
        'Lists: `?limit=&cursor=` → `{ items, nextCursor }` (nextCursor null on the last page).',
    )
    .setVersion('1')
    .setLicense('UNLICENSED (proprietary: no rights granted to use, copy or redistribute)', 'https://docs.npmjs.com/cli/v11/configuring-npm/package-json#license')
    // Relative: the origin that served this document — PUBLIC_URL behind the proxy (which routes /api/ to the api), or the api itself.
    .addServer('/', 'The origin this document is served from')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT of the CRM (AUTH_JWT_SECRET) with sub, accountId, role, exp' })
    .addSecurity(EVENT_TICKET_SECURITY, {
      type: 'apiKey',
      in: 'query',
      name: 'ticket',
      description: 'Single-use ticket from POST /api/v1/events/tickets, for GET /api/v1/events from an EventSource (valid 60 s)',
    });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBody] });
  return withEveryTagDeclared(withEdgeErrors(document));
}

/** OpenAPI document and UI at /api/docs (JSON at /api/docs-json). */
export function setupOpenApi(app: NestExpressApplication): void {
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * Answers of the edge that any route can give, whatever its controller says: the JSON body parser and its size limit
 * run before routing (400 for a body that is not JSON, 413 over the limit), our Postgres or Kafka out of reach is a 503
 * (retry later) and an unexpected failure is a 500. Added to every operation that does not document that status itself.
 */
const EDGE_RESPONSES: Array<{ code: ErrorCode; description: string; details?: unknown }> = [
  { code: ErrorCode.VALIDATION_FAILED, description: 'VALIDATION_FAILED: the body is not valid JSON', details: [{ path: '', constraints: ['body is not valid JSON'] }] },
  { code: ErrorCode.PAYLOAD_TOO_LARGE, description: 'PAYLOAD_TOO_LARGE: the body is over the limit (256 kB)' },
  { code: ErrorCode.DEPENDENCY_UNAVAILABLE, description: 'DEPENDENCY_UNAVAILABLE: the database or Kafka cannot be reached; retry later' },
  { code: ErrorCode.INTERNAL, description: 'INTERNAL: an unexpected failure (logged with its cause, never echoed)' },
];

function withEdgeErrors(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const { code, description, details } of EDGE_RESPONSES) {
        const statusCode = HTTP_STATUS_OF[code];
        const example = { statusCode, code, message: errorMessage(code, 'ru'), ...(details !== undefined ? { details } : {}), requestId: EXAMPLE_REQUEST_ID };
        operation.responses[String(statusCode)] ??= { description, content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) }, example } } };
      }
    }
  }
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function withEveryTagDeclared(document: OpenAPIObject): OpenAPIObject {
  const declared = new Set((document.tags ?? []).map((t) => t.name));
  const used = Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => (op as { tags?: string[] })?.tags ?? []));
  const missing = [...new Set(used)].filter((t) => !declared.has(t));
  return { ...document, tags: [...(document.tags ?? []), ...missing.map((name) => ({ name }))] };
}
