import { randomUUID } from 'node:crypto';
import { Controller, DynamicModule, Inject, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { BaseServiceConfig } from '@crm/config';
import { createEnvelope, encodeEnvelope, EventEnvelope, InboundMessageData, OutboundMessageData, Topics } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import type { ConsumedMessage, DeadLetterRecord } from '@crm/messaging';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { captureLogs, readTopic, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { inboundText, outbound } from '../../../contracts/src/test-fixtures';
import { RunningService, ServiceDefinition, startService } from '../bootstrap';
import { ServiceKitModule } from '../service-kit.module';
import { LOGGER } from '../tokens';
import { consumerPattern } from './consumer-pattern';
import { KafkaRecordContext } from './kafka-record.context';

type Inbound = EventEnvelope<InboundMessageData>;
type Outbound = EventEnvelope<OutboundMessageData>;

/** What the handlers saw; reset per test. */
const seen = {
  inbound: [] as Array<{ envelope: Inbound; correlationId?: string }>,
  audit: [] as string[],
  batches: [] as string[][],
  outage: false,
  outageFailures: 0,
};

@Controller()
class InboundTestConsumer {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @EventPattern(Topics.ChannelsInbound, consumerPattern({ groupId: 'kit.inbound', dataClass: InboundMessageData, maxAttempts: 3, backoff: { initialMs: 20, maxMs: 100 } }))
  async handle(@Payload() envelope: Inbound, @Ctx() ctx: KafkaRecordContext): Promise<void> {
    if (envelope.data.text === 'domain-rejects') throw new DomainError(ErrorCode.CHANNEL_NOT_FOUND);
    if (envelope.data.text === 'needs-db' && seen.outage) {
      seen.outageFailures += 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    this.logger.info({ externalMessageId: envelope.data.externalMessageId }, 'inbound handled by the test consumer');
    seen.inbound.push({ envelope, correlationId: ctx.correlationId });
  }
}

/** The same topic in another group: an independent consumer, not chained to the one above. */
@Controller()
class InboundAuditConsumer {
  @EventPattern(Topics.ChannelsInbound, consumerPattern({ groupId: 'kit.inbound-audit', dataClass: InboundMessageData }))
  async handle(@Payload() envelope: Inbound): Promise<void> {
    seen.audit.push(envelope.id);
  }
}

@Controller()
class OutboundBatchConsumer {
  @EventPattern(Topics.ChannelsOutbound, consumerPattern({ groupId: 'kit.outbound', dataClass: OutboundMessageData, batch: true, maxAttempts: 2, backoff: { initialMs: 20, maxMs: 50 } }))
  async handle(@Payload() messages: ConsumedMessage<Outbound>[]): Promise<void> {
    if (messages.some((m) => m.value.data.text === 'poison')) throw new Error('constraint violated');
    seen.batches.push(messages.map((m) => m.value.id));
  }
}

@Module({})
class TestAppModule {
  static forRoot(config: BaseServiceConfig, logger: Logger): DynamicModule {
    return {
      module: TestAppModule,
      imports: [ServiceKitModule.forRoot({ service: 'kit-test', config, logger })],
      controllers: [InboundTestConsumer, InboundAuditConsumer, OutboundBatchConsumer],
    };
  }
}

class TestConfig extends BaseServiceConfig {}

const definition: ServiceDefinition<TestConfig> = {
  service: 'kit-test',
  configClass: TestConfig,
  module: (config, logger) => TestAppModule.forRoot(config, logger),
  consumerTuning: () => ({ 'kit.outbound': { maxBatchSize: 10 } }),
};

describe('@EventPattern consumers over KafkaConsumerTransport (real Kafka)', () => {
  let db: TestDatabase;
  let service: RunningService<TestConfig>;
  let producer: EventProducer;
  let connection: KafkaConnection;
  const logs = captureLogs();
  const accountId = randomUUID();
  const channelId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startService(definition, {
      env: { DATABASE_URL: db.url, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('kitx'), LOG_LEVEL: 'info', PORT: '0' },
      logDestination: logs.destination,
      handleSignals: false,
    });
    connection = service.app.get(KafkaConnection);
    producer = service.app.get(EventProducer);
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  beforeEach(() => {
    Object.assign(seen, { inbound: [], audit: [], batches: [], outage: false, outageFailures: 0 });
  });

  const inbound = (text: string, chat = 'chat-1') => createEnvelope('message.inbound', { ...inboundText(), externalChatId: chat, externalMessageId: randomUUID(), text }, { accountId, channelId });
  const sendInbound = (envelope: Inbound, correlationId = randomUUID()) =>
    producer.send(Topics.ChannelsInbound, [{ key: `${channelId}:${envelope.data.externalChatId}`, value: encodeEnvelope(envelope), headers: { 'x-correlation-id': correlationId } }]);
  const dlqRecords = async (topic: string, expect: number) =>
    (await readTopic(connection.dlqTopic(topic), { expect, timeoutMs: expect ? 15_000 : 500 })).map((r) => JSON.parse(r.value!.toString()) as DeadLetterRecord);

  it('hands the decoded envelope and the record context to the handler; the correlation id is on its log lines', async () => {
    const envelope = inbound('hello');
    const correlationId = randomUUID();
    await sendInbound(envelope, correlationId);
    await waitFor(() => seen.inbound.length === 1, 20_000, 'the handler');
    expect(seen.inbound[0].envelope).toBeInstanceOf(EventEnvelope);
    expect(seen.inbound[0]).toMatchObject({ envelope: { id: envelope.id, data: { text: 'hello' } }, correlationId });
    const line = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'inbound handled by the test consumer');
    expect(line).toMatchObject({ correlationId, externalMessageId: envelope.data.externalMessageId });
  });

  it('decodes tolerantly: a v+1 message with fields this consumer does not know is handled with them stripped, not dead-lettered', async () => {
    const envelope = inbound('from a newer producer');
    const newer = { ...JSON.parse(JSON.stringify(envelope)), version: 2, traceparent: '00-1-2-01', data: { ...JSON.parse(JSON.stringify(envelope.data)), reactions: [{ emoji: '👍' }] } };
    await producer.send(Topics.ChannelsInbound, [{ key: `${channelId}:chat-1`, value: JSON.stringify(newer) }]);
    await waitFor(() => seen.inbound.length === 1, 20_000, 'the newer message');
    const handled = seen.inbound[0].envelope;
    expect(handled).toMatchObject({ id: envelope.id, version: 2, data: { text: 'from a newer producer' } });
    expect(handled).not.toHaveProperty('traceparent');
    expect(handled.data).not.toHaveProperty('reactions');
    expect(await dlqRecords(Topics.ChannelsInbound, 0)).toHaveLength(0);
  });

  it('the real error reaches the runner (pass-through filter): a DomainError is dead-lettered at once with its code', async () => {
    const rejected = inbound('domain-rejects', 'chat-2');
    await sendInbound(rejected);
    const [record] = await dlqRecords(Topics.ChannelsInbound, 1);
    expect(record).toMatchObject({ attempts: 1, error: { name: 'DomainError' } });
    expect(JSON.parse(record.payload!).id).toBe(rejected.id);
  });

  it('an outage error pauses the partition and the message waits (never dead-lettered); the same topic in another group is consumed independently', async () => {
    seen.outage = true;
    const waiting = inbound('needs-db', 'chat-3');
    await sendInbound(waiting);
    await waitFor(() => seen.outageFailures >= 4, 20_000, 'several failures during the outage');
    await waitFor(() => seen.audit.includes(waiting.id), 20_000, 'the audit group');
    expect(seen.inbound).toHaveLength(0);
    seen.outage = false;
    await waitFor(() => seen.inbound.length === 1, 20_000, 'the message after the outage');
    expect(seen.inbound[0].envelope.id).toBe(waiting.id);
    expect(seen.audit.filter((id) => id === waiting.id)).toHaveLength(1);
    // Nothing from this test in the DLQ (only the previous test's DomainError record).
    expect((await dlqRecords(Topics.ChannelsInbound, 1)).filter((r) => JSON.parse(r.payload!).id === waiting.id)).toHaveLength(0);
  });

  it('a batch handler gets runs of one partition; a failing run is replayed one message at a time, only the poison one is dead-lettered', async () => {
    const envelopes = Array.from({ length: 25 }, (_, i) => createEnvelope('message.outbound', { ...outbound(), messageId: randomUUID(), text: i === 13 ? 'poison' : `reply ${i}` }, { accountId, channelId }));
    await producer.send(Topics.ChannelsOutbound, envelopes.map((e) => ({ key: `${channelId}:123456789`, value: encodeEnvelope(e) })));
    await waitFor(() => seen.batches.flat().length === 24, 20_000, '24 handled');
    expect(new Set(seen.batches.flat())).toEqual(new Set(envelopes.filter((_, i) => i !== 13).map((e) => e.id)));
    expect(seen.batches.some((b) => b.length > 1)).toBe(true);
    expect(Math.max(...seen.batches.map((b) => b.length))).toBeLessThanOrEqual(10); // consumerTuning applied
    const [record] = await dlqRecords(Topics.ChannelsOutbound, 1);
    expect(JSON.parse(record.payload!).id).toBe(envelopes[13].id);
  });

  it('readiness lists each consumer group as running', async () => {
    const res = await fetch(`${service.url}/health/ready`);
    const body = (await res.json()) as { checks: { consumers: { consumers: Array<{ groupId: string; running: boolean }> } } };
    expect(res.status).toBe(200);
    const groups = body.checks.consumers.consumers.map((c) => c.groupId.slice(connection.options.topicPrefix.length)).sort();
    expect(groups).toEqual(['kit.inbound', 'kit.inbound-audit', 'kit.outbound']);
    expect(body.checks.consumers.consumers.every((c) => c.running)).toBe(true);
  });
});
