import { randomUUID } from 'node:crypto';
import { register, type Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { createEnvelope, MessageStatusData, Topics } from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { createDataSource, createTestDatabase, TestDatabase } from '@crm/persistence';
import { testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { outboxBacklogQuery, trackOutboxBacklog } from './outbox-metrics';
import { OutboxRelay } from './outbox-relay';
import { enqueueOutbox } from './outbox-writer';

/** What /metrics would show for a per-topic outbox gauge, as topic → value. */
async function byTopic(name: string): Promise<Record<string, number>> {
  const metric = register.getSingleMetric(name) as Gauge<'topic'> | undefined;
  if (!metric) return {};
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.topic), v.value]));
}

describe('outbox backlog metrics (real Postgres and Kafka)', () => {
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
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'outbox-metrics-test', topicPrefix: uniqueTopicPrefix('outboxm') });
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
  const enqueue = (topic: string, count: number) =>
    dataSource.transaction((m) => enqueueOutbox(m, Array.from({ length: count }, (_, i) => ({ accountId, topic, key: `k-${i}`, envelope: status(i) }))));

  it('counts unpublished rows per topic, and reads the table at most once per interval however often it is scraped', async () => {
    await enqueue(Topics.ChannelsStatus, 3);
    await enqueue(Topics.ChannelsOutbound, 2);
    await dataSource.query(`UPDATE outbox SET published_at = now() WHERE id = (SELECT min(id) FROM outbox WHERE topic = $1)`, [Topics.ChannelsOutbound]);
    const query = outboxBacklogQuery(dataSource);
    let queries = 0;
    const untrack = trackOutboxBacklog(
      () => {
        queries += 1;
        return query();
      },
      { minIntervalMs: 300 },
    );
    try {
      expect(await byTopic('crm_outbox_backlog')).toEqual({ [Topics.ChannelsStatus]: 3, [Topics.ChannelsOutbound]: 1 });
      const oldest = await byTopic('crm_outbox_oldest_unpublished_seconds');
      expect(oldest[Topics.ChannelsStatus]).toBeGreaterThanOrEqual(0);
      expect(oldest[Topics.ChannelsStatus]).toBeLessThan(60);

      // A scrape storm within the interval: still one query.
      await Promise.all(Array.from({ length: 20 }, () => byTopic('crm_outbox_backlog')));
      expect(queries).toBe(1);

      await dataSource.query(`UPDATE outbox SET published_at = now() WHERE topic = $1`, [Topics.ChannelsStatus]);
      await new Promise((r) => setTimeout(r, 350));
      // Drained topics report 0 (not a vanished series).
      expect(await byTopic('crm_outbox_backlog')).toEqual({ [Topics.ChannelsStatus]: 0, [Topics.ChannelsOutbound]: 1 });
      expect(queries).toBe(2);
    } finally {
      untrack();
      await dataSource.query(`DELETE FROM outbox`);
    }
    expect(await byTopic('crm_outbox_backlog')).toEqual({});
  });

  it('a running relay reports the rows Kafka does not take yet, and 0 once they are published', async () => {
    const topic = 'not.created.yet.v1';
    await enqueue(topic, 4);
    const relay = new OutboxRelay(dataSource, producer, { databaseUrl: db.url, pollIntervalMs: 200, backlogSampleMs: 100 });
    await relay.start();
    try {
      await waitFor(async () => (await byTopic('crm_outbox_backlog'))[topic] === 4, 5000, 'backlog of 4');
      await ensureTopics(connection, [{ name: topic, partitions: 1 }]);
      await waitFor(async () => (await byTopic('crm_outbox_backlog'))[topic] === 0, 15_000, 'backlog drained');
      expect(await byTopic('crm_outbox_oldest_unpublished_seconds')).toEqual({ [topic]: 0 });
    } finally {
      await relay.stop();
    }
    expect(await byTopic('crm_outbox_backlog')).toEqual({});
  });
});
