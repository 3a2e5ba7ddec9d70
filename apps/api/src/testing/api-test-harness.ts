import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { RunningService, startService } from '@crm/service-kit';
import { captureLogs, jsonRequest, JsonRequestOptions, JsonResponse, testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { apiService } from '../api.service-definition';
import { ApiConfig } from '../config/api.config';
import { Role } from '../auth/auth-user';
import { OpenApiDocument, OpenApiResponseValidator } from './openapi-response-validator';

export interface ApiHarness {
  url: string;
  service: RunningService<ApiConfig>;
  db: TestDatabase;
  dataSource: DataSource;
  env: NodeJS.ProcessEnv;
  /** Every JSON log line the app wrote (for "no secret in the logs" assertions). */
  logs: string[];
  /** Creates an account row and returns its id. */
  createAccount(name?: string): Promise<string>;
  token(accountId: string, role?: Role, userId?: string): string;
  /**
   * fetch against the app with JSON and an optional bearer token. Every answer is checked against the app's OpenAPI
   * document (/api/docs-json): an answer the document does not describe (status, content type, body) rejects.
   */
  request(method: string, path: string, options?: JsonRequestOptions): Promise<JsonResponse>;
  /** Answers that did not match the OpenAPI document so far (each also rejected its request). */
  contractViolations: string[];
  /** Stops the app and drops its database; throws when any answer did not match the OpenAPI document. */
  close(): Promise<void>;
}

/** Boots the api app in-process on a fresh migrated database and a unique Kafka topic prefix. */
export async function startApiHarness(envOverrides: NodeJS.ProcessEnv = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('api'),
    SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
    AUTH_JWT_SECRET: `jwt-${randomUUID()}`,
    PUBLIC_URL: 'http://localhost:8080',
    LOG_LEVEL: 'info',
    PORT: '0',
    ...envOverrides,
  };
  const { lines: logs, destination } = captureLogs();
  const service = await startService(apiService, { env, logDestination: destination, handleSignals: false });
  const dataSource = service.app.get(DataSource);
  const validator = await documentValidator(service.url);
  const contractViolations: string[] = [];
  return {
    url: service.url,
    service,
    db,
    dataSource,
    env,
    logs,
    async createAccount(name = 'Test account') {
      const id = randomUUID();
      await dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, $2)`, [id, name]);
      return id;
    },
    token(accountId, role = 'admin', userId = randomUUID()) {
      return sign({ sub: userId, accountId, role }, env.AUTH_JWT_SECRET!, { algorithm: 'HS256', expiresIn: '1h' });
    },
    async request(method, path, options) {
      const res = await jsonRequest(service.url, method, path, options);
      const problems = validator.check({ method, path, status: res.status, contentType: res.headers.get('content-type'), body: res.body, text: res.text });
      if (problems.length > 0) {
        const violation = `${method.toUpperCase()} ${path} → ${res.status} does not match the OpenAPI document:\n  ${problems.join('\n  ')}\n  body: ${res.text.slice(0, 1000)}`;
        contractViolations.push(violation);
        throw new Error(violation);
      }
      return res;
    },
    contractViolations,
    async close() {
      await service.close();
      await db.drop();
      if (contractViolations.length > 0) throw new Error(summarizeViolations(contractViolations));
    },
  };
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A polling test (waitFor) repeats a violation with other ids and values: each problem once, with its first answer. */
function summarizeViolations(violations: string[]): string {
  const distinct = new Map<string, string>();
  for (const v of violations) {
    const problem = v.split('\n').slice(1, -1).join('\n').replace(UUIDS, '…').replace(/\(value: .*\)$/gm, '');
    if (!distinct.has(problem)) distinct.set(problem, v);
  }
  const shown = [...distinct.values()].slice(0, 20);
  const more = distinct.size > shown.length ? `\n\n… and ${distinct.size - shown.length} more` : '';
  return `${violations.length} answer(s) did not match the OpenAPI document:\n\n${shown.join('\n\n')}${more}`;
}

let cachedValidator: { text: string; validator: OpenApiResponseValidator } | undefined;

/** The validator of the document the app serves (built once per test file: every harness serves the same document). */
async function documentValidator(url: string): Promise<OpenApiResponseValidator> {
  const res = await jsonRequest(url, 'GET', '/api/docs-json');
  if (res.status !== 200) throw new Error(`GET /api/docs-json answered ${res.status}: ${res.text.slice(0, 300)}`);
  if (cachedValidator?.text !== res.text) {
    cachedValidator = { text: res.text, validator: new OpenApiResponseValidator(res.body as OpenApiDocument, { apiPrefix: '/api/v1/', errorSchema: 'ErrorBody', unknownRouteStatuses: [404, 400, 413] }) };
  }
  return cachedValidator.validator;
}
