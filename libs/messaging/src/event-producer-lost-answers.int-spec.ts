import { Partitioners } from 'kafkajs';
import { freePort, type KafkaFaultProxy, type LocalKafka, readTopic, startKafkaFaultProxy, startLocalKafka, uniqueTopicPrefix } from '@crm/testing';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { ensureTopics } from './topic-admin';

/**
 * A produce whose answer is lost (the broker wrote the records; the client never heard): a broker of the test's own
 * that advertises a fault proxy's port, so every connection of the clients goes through the proxy.
 *
 * kafkajs' idempotent producer takes the partition's sequence number for a batch, and gives it back when the
 * request fails — also when the broker did write the batch. After its retries are exhausted, the NEXT batch goes out
 * with the sequence of one the broker already has: the first test shows what that does to a plain kafkajs producer;
 * the second that EventProducer loses nothing and is not wedged.
 */
describe('EventProducer when the broker\'s answers are lost', () => {
  let proxy: KafkaFaultProxy;
  let broker: LocalKafka;

  beforeAll(async () => {
    const brokerPort = await freePort();
    proxy = await startKafkaFaultProxy({ port: brokerPort });
    broker = await startLocalKafka({ port: brokerPort, advertisedPort: proxy.port, heap: '384m' });
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    await proxy?.close();
  });

  afterEach(() => proxy.setMode({ kind: 'pass' }));

  async function newTopic(): Promise<{ connection: KafkaConnection; topic: string }> {
    const connection = new KafkaConnection({
      brokers: broker.brokers,
      clientId: 'lost-answers-test',
      topicPrefix: uniqueTopicPrefix('lost'),
      requestTimeoutMs: 1_000,
    });
    await ensureTopics(connection, [{ name: 'events.v1', partitions: 1 }]);
    return { connection, topic: connection.topic('events.v1') };
  }

  async function storedValues(topic: string, atLeast: number): Promise<string[]> {
    const records = await readTopic(topic, { brokers: broker.brokers, expect: atLeast, timeoutMs: 20_000 });
    return records.map((r) => r.value?.toString() ?? '');
  }

  /** Runs `send` while the broker's answers to produce requests are dropped. */
  async function loseAnswersWhile(send: () => Promise<void>): Promise<'rejected' | 'resolved'> {
    proxy.setMode({ kind: 'drop-produce-responses' });
    try {
      await send();
      return 'resolved';
    } catch {
      return 'rejected';
    } finally {
      proxy.setMode({ kind: 'pass' });
    }
  }

  it('a plain kafkajs idempotent producer acknowledges the next batch of the same size and loses it', async () => {
    const { connection, topic } = await newTopic();
    const producer = connection.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 1 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const send = (...values: string[]) => producer.send({ topic, acks: -1, timeout: 1_000, messages: values.map((value) => ({ key: 'k', value })) });
    try {
      await send('a1');
      expect(await loseAnswersWhile(() => send('b1').then(() => undefined))).toBe('rejected');
      // The next batch has the size of the written one and gets its sequence: the broker takes it for a duplicate
      // of b1 and answers success without storing it — c1 is acknowledged and lost.
      await send('c1');
      await send('d1', 'd2');
      const stored = await storedValues(topic, 4);
      expect(stored).toEqual(['a1', 'b1', 'd1', 'd2']);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);

  it('EventProducer: the failed send is reported, the records sent next are stored, nothing is wedged', async () => {
    const { connection, topic } = await newTopic();
    const producer = new EventProducer(connection, { timeoutMs: 1_000, retries: 1 });
    await producer.connect();
    const send = (...values: string[]) => producer.sendRaw(topic, values.map((value) => ({ key: 'k', value })));
    try {
      await send('a1');
      expect(await loseAnswersWhile(() => send('b1'))).toBe('rejected');
      await send('c1'); // the size of the batch whose answer was lost
      await send('d1', 'd2');
      expect(await loseAnswersWhile(() => send('e1', 'e2', 'e3'))).toBe('rejected');
      await send('f1');
      const stored = await storedValues(topic, 8);
      // b1 and e* were written although their sends failed (at least once: the caller retries, consumers dedupe).
      expect(stored).toEqual(['a1', 'b1', 'c1', 'd1', 'd2', 'e1', 'e2', 'e3', 'f1']);
      expect(proxy.stats.droppedResponses).toBeGreaterThanOrEqual(4);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);

  it('EventProducer keeps order and stores each record once when answers come late', async () => {
    const { connection, topic } = await newTopic();
    const producer = new EventProducer(connection, { timeoutMs: 1_000, retries: 5 });
    await producer.connect();
    try {
      proxy.setMode({ kind: 'delay-responses', delayMs: 1_500 }); // past the 1 s request timeout: kafkajs retries
      const sends = Array.from({ length: 6 }, (_, i) => producer.sendRaw(topic, [{ key: 'k', value: `m${i}` }]).then(() => 'ok', () => 'failed'));
      await new Promise((r) => setTimeout(r, 4_000));
      proxy.setMode({ kind: 'pass' });
      const outcomes = await Promise.all(sends);
      await producer.sendRaw(topic, [{ key: 'k', value: 'after' }]);
      const stored = await storedValues(topic, 7);
      const acknowledged = outcomes.map((o, i) => (o === 'ok' ? `m${i}` : null)).filter((v): v is string => v !== null);
      // Every acknowledged record is stored; no record is stored twice; order per key holds.
      expect(stored.filter((v) => acknowledged.includes(v))).toEqual(acknowledged);
      expect(new Set(stored).size).toBe(stored.length);
      expect(stored.filter((v) => v.startsWith('m'))).toEqual([...stored.filter((v) => v.startsWith('m'))].sort());
      expect(stored[stored.length - 1]).toBe('after');
    } finally {
      await producer.disconnect();
    }
  }, 90_000);
});
