import { randomUUID } from 'node:crypto';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { BaseServiceConfig } from '@crm/config';
import { createEnvelope, encodeEnvelope, Topics } from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { inboundText } from '../../../contracts/src/test-fixtures';
import { type RunningService, type ServiceDefinition, startService } from '../bootstrap';
import { ServiceKitModule } from '../service-kit.module';
import { consumerPattern } from './consumer-pattern';

const BROADCAST_GROUP = 'kit.broadcast';
/** Records each running app saw, by app. */
const seen = new Map<string, string[]>();
let currentApp = '';

@Controller()
class BroadcastTestConsumer {
  private readonly app = currentApp;

  @EventPattern(Topics.ChannelsInbound, consumerPattern({ groupId: BROADCAST_GROUP, perInstance: true }))
  async handle(@Payload() raw: Buffer | null): Promise<void> {
    seen.get(this.app)!.push(JSON.parse(raw!.toString()).id as string);
  }
}

@Module({})
class BroadcastAppModule {
  static forRoot(config: BaseServiceConfig, logger: Logger): DynamicModule {
    return { module: BroadcastAppModule, imports: [ServiceKitModule.forRoot({ service: 'kit-broadcast', config, logger })], controllers: [BroadcastTestConsumer] };
  }
}

class TestConfig extends BaseServiceConfig {}
const definition: ServiceDefinition<TestConfig> = { service: 'kit-broadcast', configClass: TestConfig, module: (c, l) => BroadcastAppModule.forRoot(c, l) };

// perInstance groups (issue 16 "no orphan consumer group per restart"): restarts, crashes and two instances at once,
// counted by listing the broker's groups.
describe('perInstance consumer groups leave no orphans on the broker (real Kafka)', () => {
  const prefix = uniqueTopicPrefix('pig');
  let db: TestDatabase;
  let connection: KafkaConnection;
  let admin: ReturnType<KafkaConnection['kafka']['admin']>;
  const running: RunningService<TestConfig>[] = [];

  const start = async (name: string) => {
    seen.set(name, []);
    currentApp = name;
    const service = await startService(definition, {
      env: { DATABASE_URL: db.url, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'error', PORT: '0' },
      handleSignals: false,
    });
    running.push(service);
    return service;
  };
  const stop = async (service: RunningService<TestConfig>) => {
    running.splice(running.indexOf(service), 1);
    await service.close();
  };
  const broadcastGroups = async () => (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}${BROADCAST_GROUP}.`)).sort();

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'pig-test', topicPrefix: prefix });
    admin = connection.kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const service of [...running]) await service.close();
    await admin?.disconnect();
    await db?.drop();
  });

  it('N clean restarts: one group while running, none after; a crashed process`s group is deleted by the next start', async () => {
    for (let i = 0; i < 3; i++) {
      const service = await start(`restart-${i}`);
      expect(await broadcastGroups()).toHaveLength(1);
      await stop(service);
      expect(await broadcastGroups()).toEqual([]);
    }
    // What a SIGKILLed process leaves: a group of its own with committed offsets and no member left.
    const crashed = `${prefix}${BROADCAST_GROUP}.crashed-host-1234-deadbeef`;
    await admin.setOffsets({ groupId: crashed, topic: connection.topic(Topics.ChannelsInbound), partitions: [{ partition: 0, offset: '0' }] });
    expect(await broadcastGroups()).toEqual([crashed]);
    const service = await start('after-crash');
    const groups = await broadcastGroups();
    expect(groups).toHaveLength(1);
    expect(groups).not.toContain(crashed);
    await stop(service);
    expect(await broadcastGroups()).toEqual([]);
  }, 120_000);

  it('two instances at once: two groups, each gets every record; a start never deletes a live sibling', async () => {
    const a = await start('a');
    const b = await start('b');
    expect(await broadcastGroups()).toHaveLength(2);
    const producer = a.app.get(EventProducer);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const envelope = createEnvelope('message.inbound', { ...inboundText(), externalChatId: `chat-${i}`, externalMessageId: randomUUID() }, { accountId: randomUUID(), channelId: randomUUID() });
      ids.push(envelope.id);
      await producer.send(Topics.ChannelsInbound, [{ key: `k-${i}`, value: encodeEnvelope(envelope) }]);
    }
    await waitFor(() => seen.get('a')!.length >= 6 && seen.get('b')!.length >= 6, 30_000, 'both instances see every record');
    expect(seen.get('a')!.sort()).toEqual([...ids].sort());
    expect(seen.get('b')!.sort()).toEqual([...ids].sort());
    await stop(a);
    expect(await broadcastGroups()).toHaveLength(1);
    await stop(b);
    expect(await broadcastGroups()).toEqual([]);
  }, 120_000);
});
