import { randomUUID } from 'node:crypto';
import { Controller, DynamicModule, Get, Inject, Module } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { BaseServiceConfig } from '@crm/config';
import { Topics } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { captureLogs, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorWidgetService } from '../../../apps/connector-widget/src/connector-widget.service-definition';
import { ServiceDefinition, startService } from './bootstrap';
import { Public } from './public.decorator';
import { ServiceKitModule } from './service-kit.module';
import { consumerPattern } from './transport/consumer-pattern';
import { LOGGER } from './tokens';

const outage = { on: false };

/** A consumer whose database is "down" while `outage.on`. */
@Controller()
class OutageConsumer {
  @EventPattern(Topics.ChannelsInbound, consumerPattern({ groupId: 'probe-test.outage', backoff: { initialMs: 50, maxMs: 200 } }))
  async handle(): Promise<void> {
    if (outage.on) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
}

@Public()
@Controller('probe-test')
class LoggingController {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @Get('work')
  async work(): Promise<{ ok: true }> {
    this.logger.info('before an await');
    await new Promise((r) => setTimeout(r, 20));
    this.logger.info('after an await');
    return { ok: true };
  }
}

@Module({})
class ProbeTestModule {
  static forRoot(config: BaseServiceConfig, logger: Logger): DynamicModule {
    return { module: ProbeTestModule, imports: [ServiceKitModule.forRoot({ service: 'probe-test', config, logger })], controllers: [LoggingController, OutageConsumer] };
  }
}

class ProbeTestConfig extends BaseServiceConfig {}
const probeTestService: ServiceDefinition<ProbeTestConfig> = { service: 'probe-test', configClass: ProbeTestConfig, module: (c, l) => ProbeTestModule.forRoot(c, l) };

describe('probes (live, ready) and request ids', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers().join(','),
      SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
      AUTH_JWT_SECRET: 'test-secret-0123456789',
      LOG_LEVEL: 'info',
      PORT: '0',
    };
  });
  afterAll(() => db.drop());

  const json = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('readiness turns 503 when a consumer partition stays paused longer than CONSUMER_STUCK_AFTER_MS, and green again when it resumes; liveness stays 200', async () => {
    const service = await startService(probeTestService, { env: { ...env, KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('probe'), CONSUMER_STUCK_AFTER_MS: '1000' }, logDestination: captureLogs().destination, handleSignals: false });
    try {
      expect((await json(`${service.url}/health/ready`)).status).toBe(200);
      outage.on = true;
      await service.app.get(EventProducer).send(Topics.ChannelsInbound, [{ key: 'k', value: '{}' }]);
      const red = await waitFor(async () => {
        const r = await json(`${service.url}/health/ready`);
        return r.status === 503 ? r : undefined;
      }, 20_000, 'readiness to turn red');
      expect(red.body.checks.consumers.consumers[0]).toMatchObject({ running: true, stuck: true, paused: [{ topic: Topics.ChannelsInbound }] });
      expect(red.body.checks.postgres.up && red.body.checks.kafka.up).toBe(true);
      expect((await json(`${service.url}/health`)).status).toBe(503);
      expect((await json(`${service.url}/health/live`)).status).toBe(200);
      outage.on = false;
      await waitFor(async () => (await json(`${service.url}/health/ready`)).status === 200, 20_000, 'readiness back to green');
    } finally {
      outage.on = false;
      await service.close();
    }
  });

  it('on shutdown readiness turns off before the HTTP server closes', async () => {
    const service = await startService(probeTestService, { env: { ...env, KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('probe'), SHUTDOWN_GRACE_MS: '1500' }, logDestination: captureLogs().destination, handleSignals: false });
    expect((await json(`${service.url}/health/ready`)).status).toBe(200);
    const closing = service.close();
    const during = await json(`${service.url}/health/ready`);
    expect(during).toMatchObject({ status: 503, body: { status: 'shutting-down' } });
    expect((await json(`${service.url}/health/live`)).status).toBe(200);
    await closing;
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });

  it('every request gets an id (given or generated): on the response, on every log line of the request, in the body-parser error body', async () => {
    const logs = captureLogs();
    const service = await startService(probeTestService, { env: { ...env, KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('probe') }, logDestination: logs.destination, handleSignals: false });
    try {
      const given = `req-${randomUUID()}`;
      const res = await fetch(`${service.url}/probe-test/work`, { headers: { 'x-request-id': given } });
      expect(res.headers.get('x-request-id')).toBe(given);
      const generated = (await fetch(`${service.url}/probe-test/work`)).headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      const hostile = (await fetch(`${service.url}/probe-test/work`, { headers: { 'x-request-id': 'a b\u00e9'.repeat(60) } })).headers.get('x-request-id');
      expect(hostile).toMatch(/^[0-9a-f-]{36}$/);
      const lines = logs.lines.map((l) => JSON.parse(l) as { msg?: string; requestId?: string });
      const ofGiven = lines.filter((l) => l.requestId === given).map((l) => l.msg);
      expect(ofGiven).toEqual(['before an await', 'after an await']);
      expect(lines.filter((l) => l.requestId === generated)).toHaveLength(2);
      expect(lines.filter((l) => l.msg === 'probe-test listening')[0].requestId).toBeUndefined();

      const bad = await fetch(`${service.url}/probe-test/work`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'bad-json-1' }, body: '{oops' });
      expect(await bad.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: 'bad-json-1' });
    } finally {
      await service.close();
    }
  });

  it.each([
    ['api', apiService, '/api/v1/no-such-route'],
    ['connector-widget', connectorWidgetService, '/widget/v1/no-such-route'],
  ])('%s error bodies carry the request id', async (_name, definition, path) => {
    const service = await startService(definition as ServiceDefinition<any>, { env: { ...env, KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('rid') }, logDestination: captureLogs().destination, handleSignals: false });
    try {
      const res = await fetch(`${service.url}${path}`, { headers: { 'x-request-id': 'trace-me-42' } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.json()).toMatchObject({ statusCode: res.status, code: expect.any(String), requestId: 'trace-me-42' });
      const plain = (await (await fetch(`${service.url}${path}`)).json()) as { requestId?: string };
      expect(plain.requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await service.close();
    }
  });
});
