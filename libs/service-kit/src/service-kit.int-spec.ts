import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { blockEventLoop, burstBeyondDefaultBacklog, captureLogs, connectBurst, repoRoot, testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService } from './bootstrap';
import { HTTP_LISTEN_BACKLOG } from './listen-backlog';


describe('a service booted on real Postgres and Kafka', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('kit'),
      SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
      AUTH_JWT_SECRET: 'test-secret-0123456789',
      LOG_LEVEL: 'info',
      PORT: '0',
    };
  });
  afterAll(() => db.drop());

  it('serves /health (Postgres and Kafka really checked), /metrics, JSON logs without secrets, and shuts down in order', async () => {
    const logs = captureLogs();
    const service = await startService(apiService, { env, logDestination: logs.destination, handleSignals: false });
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; service: string; checks: Record<string, { up: boolean }> };
    expect(body).toMatchObject({ status: 'ok', service: 'api', checks: { postgres: { up: true }, kafka: { up: true } } });

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/crm_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/);

    // Every log line is JSON with a level and the service name; secrets never appear even when logged on purpose.
    service.logger.info({ botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi', nested: { accessToken: 'EAAG-long-secret' } }, 'connecting bot 123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi');
    await service.close();
    const parsed = logs.lines.map((l) => JSON.parse(l) as { level: string; service: string; msg?: string });
    expect(parsed.length).toBeGreaterThan(3);
    expect(parsed.every((l) => l.service === 'api' && typeof l.level === 'string')).toBe(true);
    const all = logs.lines.join('\n');
    expect(all).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi');
    expect(all).not.toContain('EAAG-long-secret');
    expect(all).not.toContain(env.SECRETS_KEY!);
    expect(all).toContain('[bot-token]');
    const messages = parsed.map((l) => l.msg ?? '');
    expect(messages.indexOf('shutting down: HTTP, consumers, Kafka, database')).toBeLessThan(messages.indexOf('infrastructure closed'));
    expect(messages[messages.length - 1]).toBe('stopped');
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });

  const burst = burstBeyondDefaultBacklog(HTTP_LISTEN_BACKLOG);
  (burst > 0 ? it : it.skip)('takes a burst of new connections while its event loop stalls, without a handshake re-sent a second later', async () => {
    const service = await startService(leadRoutingService, { env, logDestination: captureLogs().destination, handleSignals: false });
    const plain = createServer(() => undefined);
    try {
      const port = Number(new URL(service.url).port);
      const served = await connectBurst(port, burst, () => blockEventLoop(700));
      expect(served).toEqual({ slowestMs: expect.any(Number), failed: 0 });
      expect(served.slowestMs).toBeLessThan(1000);
      // The same burst at a server with Node's default queue: handshakes dropped and re-sent after 1 s.
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
      const dropped = await connectBurst((plain.address() as AddressInfo).port, burst, () => blockEventLoop(700));
      expect(dropped.slowestMs).toBeGreaterThanOrEqual(900);
    } finally {
      plain.close();
      await service.close();
    }
  });

  it('answers /health with 503 naming the dependency when Postgres goes away', async () => {
    const logs = captureLogs();
    const broken = await startService(leadRoutingService, { env, logDestination: logs.destination, handleSignals: false });
    try {
      const { DataSource } = await import('typeorm');
      const ds = broken.app.get(DataSource);
      await ds.destroy(); // the pool is gone: SELECT 1 fails as it does when the server is down
      const live = await fetch(`${broken.url}/health/live`);
      expect(live.status).toBe(200); // the process itself works: no restart for a database outage
      expect((await fetch(`${broken.url}/health/ready`)).status).toBe(503);
      const res = await fetch(`${broken.url}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, { up: boolean; detail?: string }> };
      expect(body.status).toBe('unavailable');
      expect(body.checks.postgres.up).toBe(false);
      expect(body.checks.kafka.up).toBe(true);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: '' }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'not-a-broker-list' }],
    ['SECRETS_KEY', { SECRETS_KEY: 'c2hvcnQ=' }],
  ])('a process started with a bad %s exits 1 with a message naming it', async (variable, patch) => {
    const root = repoRoot();
    const child = spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(root, 'apps/api/src/main.ts')], {
      env: { PATH: process.env.PATH, ...env, ...patch },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain(variable);
    expect(stderr).toContain('Invalid configuration for api');
  });
});
