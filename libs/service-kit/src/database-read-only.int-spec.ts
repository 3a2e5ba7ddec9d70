import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConsumerRunner, EventProducer, KafkaConnection, ensureTopics } from '@crm/messaging';
import { readTopic, startThrowawayPostgres, testBrokers, ThrowawayPostgres, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { DatabaseHealthProbe } from './database-health.probe';
import { classifyConsumerError } from './error-disposition';

const OUTAGE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a consumer writing to a Postgres that refuses writes for 30 s (a throwaway cluster, never the shared one)', () => {
  let pg: ThrowawayPostgres;
  let dataSource: DataSource;
  let connection: KafkaConnection;
  let producer: EventProducer;
  let runner: ConsumerRunner<{ id: string; seq: number }> | undefined;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    dataSource = new DataSource({ type: 'postgres', url: pg.url(), poolSize: 5 });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE received (id uuid PRIMARY KEY, seq int NOT NULL)');
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'read-only-test', topicPrefix: uniqueTopicPrefix('ro') });
    await ensureTopics(connection, [
      { name: 'events.v1', partitions: 3 },
      { name: 'events.v1.dlq.v1', partitions: 1 },
    ]);
    producer = new EventProducer(connection);
    await producer.connect();
  });

  afterAll(async () => {
    await runner?.stop();
    await producer?.disconnect();
    await dataSource?.destroy();
    await pg?.stop();
  });

  const storedIds = async () => new Set((await dataSource.query('SELECT id FROM received')).map((r: { id: string }) => r.id));

  it('pauses while the database health probe fails (read-only, 25006), then stores every message: nothing lost, nothing dead-lettered', async () => {
    const errorCodes = new Map<string, number>();
    const probe = new DatabaseHealthProbe(dataSource, { cacheMs: 200 });
    runner = new ConsumerRunner(connection, {
      groupId: 'read-only',
      topics: ['events.v1'],
      decode: (raw) => JSON.parse(raw!.toString('utf8')),
      maxAttempts: 3,
      backoff: { initialMs: 50, maxMs: 1000 },
      classifyError: classifyConsumerError,
      dependencyHealthy: () => probe.healthy(),
      handle: async (m) => {
        try {
          await dataSource.transaction((em) =>
            em.query('INSERT INTO received (id, seq) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [m.value.id, m.value.seq]),
          );
        } catch (err) {
          const code = (err as { driverError?: { code?: string } }).driverError?.code ?? 'none';
          errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
          throw err;
        }
      },
    });
    void runner.start();

    // Messages keep arriving the whole time, spread over several keys (hence partitions).
    const sent: string[] = [];
    let producing = true;
    const production = (async () => {
      for (let i = 0; producing; i += 1) {
        const id = randomUUID();
        await producer.send('events.v1', [{ key: `chat-${i % 9}`, value: JSON.stringify({ id, seq: i }) }]);
        sent.push(id);
        await sleep(100);
      }
    })();
    await waitFor(async () => (await storedIds()).size >= 10, 30_000, 'messages flowing before the outage');

    await pg.readOnly(true);
    const outageStarted = Date.now();
    const sentBeforeOutage = sent.length;
    let maxPaused = 0;
    while (Date.now() - outageStarted < OUTAGE_MS) {
      maxPaused = Math.max(maxPaused, runner.health().paused.length);
      await sleep(250);
    }
    const storedDuringOutage = (await storedIds()).size;
    await pg.readOnly(false);
    producing = false;
    await production;

    await waitFor(async () => (await storedIds()).size === sent.length, 30_000, 'every message stored after the outage');
    expect(errorCodes.get('25006') ?? 0).toBeGreaterThan(0);
    expect(maxPaused).toBeGreaterThan(0);
    expect(sent.length - sentBeforeOutage).toBeGreaterThan(100); // messages really kept arriving during the outage
    expect(storedDuringOutage).toBeLessThanOrEqual(sentBeforeOutage + 3); // nothing was written while read-only
    expect(await storedIds()).toEqual(new Set(sent));
    expect(await readTopic(connection.dlqTopic('events.v1'), { timeoutMs: 1000 })).toHaveLength(0);
    await waitFor(() => runner!.health().paused.length === 0, 10_000, 'every partition resumed');
  }, 120_000);
});
