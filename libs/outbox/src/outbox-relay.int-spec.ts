import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEnvelope, decodeEnvelope, MessageStatusData, Topics } from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { createDataSource, createTestDatabase, TestDatabase } from '@crm/persistence';
import { readTopic, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { OutboxRelay } from './outbox-relay';
import { enqueueOutbox } from './outbox-writer';

describe('transactional outbox (real Postgres and Kafka)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let connection: KafkaConnection;
  let producer: EventProducer;
  const accountId = randomUUID();
  const channelId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = createDataSource({ url: db.url });
    await dataSource.initialize();
    await dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, 'a')`, [accountId]);
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'outbox-test', topicPrefix: uniqueTopicPrefix('outbox') });
    await ensureTopics(connection, [{ name: Topics.ChannelsStatus, partitions: 3 }, { name: Topics.ChannelsConfig, partitions: 1, compacted: true }]);
    producer = new EventProducer(connection);
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await dataSource.destroy();
    await db.drop();
  });

  const status = (n: number) =>
    createEnvelope(
      'message.status',
      { messageId: randomUUID(), externalChatId: 'chat-1', externalMessageId: String(n), status: 'sent', at: new Date().toISOString() } as MessageStatusData,
      { accountId, channelId },
    );

  it('publishes committed rows in order, never rolled-back ones, tombstones as null, and marks them published', async () => {
    const committed = Array.from({ length: 20 }, (_, i) => status(i));
    await dataSource.transaction((m) =>
      enqueueOutbox(m, committed.map((envelope) => ({ accountId, topic: Topics.ChannelsStatus, key: `${channelId}:chat-1`, envelope }))),
    );
    await dataSource
      .transaction(async (m) => {
        await enqueueOutbox(m, [{ accountId, topic: Topics.ChannelsStatus, key: `${channelId}:chat-1`, envelope: status(999) }]);
        throw new Error('business rule failed after writing the event');
      })
      .catch(() => undefined);
    await dataSource.transaction((m) =>
      enqueueOutbox(m, [{ accountId, topic: Topics.ChannelsConfig, key: channelId, envelope: null, eventType: 'channel.config', headers: { 'x-channel-type': 'telegram', 'x-event-type': 'not-this' } }]),
    );

    const relay = new OutboxRelay(dataSource, producer, { databaseUrl: db.url, pollIntervalMs: 5000 });
    await relay.start();
    try {
      // NOTIFY-driven: everything arrives well before the 5 s poll interval.
      await waitFor(async () => (await dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 4000, 'outbox drained');
    } finally {
      await relay.stop();
    }
    const statuses = await readTopic(connection.topic(Topics.ChannelsStatus), { expect: 20 });
    expect(statuses).toHaveLength(20);
    const decoded = statuses.map((m) => decodeEnvelope(m.value, MessageStatusData));
    expect(decoded.map((e) => e.data.externalMessageId)).toEqual(committed.map((e) => e.data.externalMessageId));
    expect(decoded.map((e) => e.id)).toEqual(committed.map((e) => e.id));
    expect(statuses[0].headers['x-event-type']).toBe('message.status');
    expect(statuses[0].headers['x-correlation-id']).toBe(committed[0].id);
    const config = await readTopic(connection.topic(Topics.ChannelsConfig), { expect: 1 });
    expect(config).toHaveLength(1);
    expect(config[0]).toMatchObject({ key: channelId, value: null });
    // Extra headers travel with the record; they never override the event headers.
    expect(config[0].headers).toMatchObject({ 'x-channel-type': 'telegram', 'x-event-type': 'channel.config' });
  });

  it('keeps rows when Kafka refuses them and publishes them once it can', async () => {
    await dataSource.transaction((m) =>
      enqueueOutbox(m, [{ accountId, topic: 'no.such.topic.v1', key: 'k', envelope: status(1) }]),
    );
    const relay = new OutboxRelay(dataSource, producer, { databaseUrl: db.url });
    await expect(relay.drain()).rejects.toThrow();
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND topic = 'no.such.topic.v1'`);
    expect(n).toBe(1);
    await ensureTopics(connection, [{ name: 'no.such.topic.v1', partitions: 1 }]);
    await expect(relay.drain()).resolves.toBe(1);
  });

  it('gathers the commits of its linger into one transaction and one produce, and misses none that come meanwhile', async () => {
    const relay = new OutboxRelay(dataSource, producer, { databaseUrl: db.url, pollIntervalMs: 60_000, lingerMs: 300 });
    await relay.start();
    const send = jest.spyOn(producer, 'send');
    try {
      await relay.drain();
      send.mockClear();
      const before = relay.published;
      const sent = Array.from({ length: 10 }, (_, i) => status(100 + i));
      // Ten transactions 10 ms apart, each with its own NOTIFY: the first wakes the relay, the others land in its linger.
      for (const envelope of sent) {
        await dataSource.transaction((m) => enqueueOutbox(m, [{ accountId, topic: Topics.ChannelsStatus, key: `${channelId}:chat-2`, envelope }]));
        await new Promise((r) => setTimeout(r, 10));
      }
      await waitFor(() => relay.published - before === 10, 5000, 'the ten rows published');
      expect(send.mock.calls.length).toBeLessThanOrEqual(2);
      // A commit while the relay waits for its next NOTIFY is still published long before the 60 s poll.
      await dataSource.transaction((m) => enqueueOutbox(m, [{ accountId, topic: Topics.ChannelsStatus, key: `${channelId}:chat-2`, envelope: status(200) }]));
      await waitFor(() => relay.published - before === 11, 3000, 'the eleventh row published');
    } finally {
      send.mockRestore();
      await relay.stop();
    }
    const records = await readTopic(connection.topic(Topics.ChannelsStatus), { expect: 31 });
    const ids = records.map((m) => decodeEnvelope(m.value, MessageStatusData).data.externalMessageId).filter((id) => Number(id) >= 100);
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => String(100 + i)), '200']);
  });
});
