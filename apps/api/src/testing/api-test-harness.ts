import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { RunningService, startService } from '@crm/service-kit';
import { captureLogs, jsonRequest, JsonRequestOptions, JsonResponse, testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { apiService } from '../api.service-definition';
import { ApiConfig } from '../config/api.config';
import { Role } from '../auth/auth-user';

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
  /** fetch against the app with JSON and an optional bearer token. */
  request(method: string, path: string, options?: JsonRequestOptions): Promise<JsonResponse>;
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
    request: (method, path, options) => jsonRequest(service.url, method, path, options),
    async close() {
      await service.close();
      await db.drop();
    },
  };
}
