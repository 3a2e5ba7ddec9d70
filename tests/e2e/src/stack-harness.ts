import { randomUUID } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { BaseServiceConfig } from '@crm/config';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { RunningService, ServiceDefinition, startService } from '@crm/service-kit';
import { captureLogs, jsonRequest, JsonRequestOptions, JsonResponse, testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { createGateway } from '../../../tools/dev-stack/gateway';

export interface StackService {
  name: string;
  definition: ServiceDefinition<BaseServiceConfig>;
  /** Path prefixes the public origin routes to this service (DESIGN §2), e.g. ['/api/']. */
  routes?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Stack {
  /** The public origin (gateway) — what PUBLIC_URL points at. */
  publicUrl: string;
  services: Record<string, RunningService<BaseServiceConfig>>;
  db: TestDatabase;
  dataSource: DataSource;
  env: NodeJS.ProcessEnv;
  logs: string[];
  createAccount(name?: string): Promise<string>;
  token(accountId: string, role?: 'admin' | 'agent'): string;
  /** JSON request through the public origin. */
  request(method: string, path: string, options?: JsonRequestOptions): Promise<JsonResponse>;
  /** Stops one service gracefully (e.g. to simulate a connector restart) and starts it again on the same port. */
  restart(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots several services in this process against one fresh database, one Kafka topic prefix and one set of secrets,
 * behind a public origin that routes like docker-compose's proxy. For whole-slice tests (channel → routing → API).
 */
export async function startStack(services: StackService[], envOverrides: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const gateway = createGateway([]);
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  const publicUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('e2e'),
    SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
    AUTH_JWT_SECRET: `jwt-${randomUUID()}`,
    PUBLIC_URL: publicUrl,
    LOG_LEVEL: 'info',
    PORT: '0',
    ...envOverrides,
  };
  const { lines: logs, destination } = captureLogs();
  const running: Record<string, RunningService<BaseServiceConfig>> = {};
  const ports: Record<string, string> = {};
  const boot = async (s: StackService) => {
    running[s.name] = await startService(s.definition, {
      env: { ...env, ...s.env, PORT: ports[s.name] ?? '0' },
      logDestination: destination,
      handleSignals: false,
    });
    ports[s.name] = new URL(running[s.name].url).port;
  };
  for (const s of services) await boot(s);
  const routes = services.flatMap((s) => (s.routes ?? []).map((prefix) => ({ prefix, target: running[s.name].url })));
  // Swap in the real routing now that the ports are known.
  const real = createGateway(routes);
  gateway.removeAllListeners('request');
  gateway.removeAllListeners('upgrade');
  for (const event of ['request', 'upgrade'] as const) for (const l of real.listeners(event)) gateway.on(event, l as never);

  const dataSource = Object.values(running)[0].app.get(DataSource);
  return {
    publicUrl,
    services: running,
    db,
    dataSource,
    env,
    logs,
    async createAccount(name = 'Test account') {
      const id = randomUUID();
      await dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, $2)`, [id, name]);
      return id;
    },
    token(accountId, role = 'admin') {
      return sign({ sub: randomUUID(), accountId, role }, env.AUTH_JWT_SECRET!, { algorithm: 'HS256', expiresIn: '1h' });
    },
    request: (method, path, options) => jsonRequest(publicUrl, method, path, options),
    async restart(name) {
      const s = services.find((x) => x.name === name)!;
      await running[name].close();
      await boot(s);
    },
    async close() {
      for (const s of [...services].reverse()) await running[s.name]?.close().catch(() => undefined);
      await new Promise<void>((r) => (gateway as Server).close(() => r()));
      gateway.closeAllConnections();
      await db.drop();
    },
  };
}
