import { register, type Gauge } from 'prom-client';
import { testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { ConsumerRunner } from './consumer-runner';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { ensureTopics } from './topic-admin';

/** The current samples of a gauge, as "label=value,…" → value (what /metrics would show). */
async function samples(name: string): Promise<Record<string, number>> {
  const metric = register.getSingleMetric(name) as Gauge<string> | undefined;
  if (!metric) return {};
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [Object.entries(v.labels).map(([k, l]) => `${k}=${String(l)}`).join(','), v.value]));
}

/** A gate a handler waits on until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('consumer lag and paused-partition metrics (real Kafka)', () => {
  let connection: KafkaConnection;
  let producer: EventProducer;
  let runner: ConsumerRunner<string> | undefined;

  beforeEach(async () => {
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'metrics-test', topicPrefix: uniqueTopicPrefix('msgm') });
    await ensureTopics(connection, [
      { name: 'work.v1', partitions: 2 },
      { name: 'work.v1.dlq.v1', partitions: 1 },
    ]);
    producer = new EventProducer(connection);
    await producer.connect();
  });

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await producer.disconnect();
  });

  function start(handle: (value: string) => Promise<void>, classifyError?: () => 'infrastructure') {
    runner = new ConsumerRunner<string>(connection, {
      groupId: 'lag-group',
      topics: ['work.v1'],
      decode: (raw) => raw!.toString('utf8'),
      handle: (m) => handle(m.value),
      classifyError,
      backoff: { initialMs: 20, maxMs: 50 },
    });
    void runner.start();
    return runner;
  }

  it('lag rises while the handler is slow and falls to 0 once it caught up', async () => {
    const slow = gate();
    let handled = 0;
    // Key "a" only: every record on one partition.
    await producer.send('work.v1', Array.from({ length: 10 }, (_, i) => ({ key: 'a', value: String(i) })));
    const r = start(async () => {
      await slow.opened;
      handled += 1;
    });
    const group = r.groupId;
    const lagOf = async () => Object.entries(await samples('crm_kafka_consumer_lag')).filter(([k]) => k.startsWith(`group=${group},topic=work.v1,`));

    const behind = await waitFor(async () => {
      const lag = await lagOf();
      return lag.length === 1 && lag[0][1] === 10 ? lag : undefined;
    }, 20_000, 'lag of 10');
    expect(behind[0][0]).toMatch(/^group=.*,topic=work\.v1,partition=[01]$/);

    slow.open();
    await waitFor(() => handled === 10, 10_000, 'all handled');
    await waitFor(async () => (await lagOf()).every(([, v]) => v === 0), 10_000, 'lag back to 0');
    expect((await lagOf()).map(([k]) => k)).toEqual([behind[0][0]]);
    expect((await samples('crm_kafka_partitions_paused'))[`group=${group},topic=work.v1`]).toBe(0);

    await r.stop();
    expect(await lagOf()).toEqual([]);
  });

  it('shows the partition an outage paused (and its lag), and 0 again once the dependency is back', async () => {
    let outage = true;
    let handled = 0;
    await producer.send('work.v1', Array.from({ length: 5 }, (_, i) => ({ key: 'b', value: String(i) })));
    const r = start(
      async () => {
        if (outage) throw Object.assign(new Error('database down'), { code: 'ECONNREFUSED' });
        handled += 1;
      },
      () => 'infrastructure',
    );
    const group = r.groupId;

    await waitFor(async () => (await samples('crm_kafka_partitions_paused'))[`group=${group},topic=work.v1`] === 1, 20_000, 'one paused partition');
    const lag = Object.entries(await samples('crm_kafka_consumer_lag')).filter(([k]) => k.startsWith(`group=${group},`));
    expect(lag.map(([, v]) => v)).toEqual([5]);

    outage = false;
    await waitFor(() => handled === 5, 10_000, 'all handled after the outage');
    await waitFor(async () => (await samples('crm_kafka_partitions_paused'))[`group=${group},topic=work.v1`] === 0, 5000, 'resumed');
    await waitFor(async () => Object.entries(await samples('crm_kafka_consumer_lag')).filter(([k]) => k.startsWith(`group=${group},`)).every(([, v]) => v === 0), 5000, 'no lag');
  });
});
