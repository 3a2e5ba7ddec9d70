import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IsString, IsUUID, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { readTopic, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { ConsumedMessage, ConsumerRunner } from './consumer-runner';
import { DeadLetterRecord } from './dead-letter';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { ensureTopics } from './topic-admin';

class Payload {
  @IsUUID() id!: string;
  @IsString() key!: string;
  @IsString() seq!: string;
}

/** Strict decode as the services do it: JSON, then class-validator with a whitelist that rejects unknown fields. */
function decode(raw: Buffer | null): Payload {
  if (!raw) throw Object.assign(new Error('empty value'), { code: 'EMPTY_VALUE' });
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw Object.assign(new Error('value is not JSON'), { code: 'INVALID_JSON' });
  }
  const instance = plainToInstance(Payload, json);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw Object.assign(new Error(`schema: ${errors.map((e) => e.property).join(',')}`), { code: 'SCHEMA_INVALID' });
  return instance;
}

describe('ConsumerRunner against a real Kafka broker', () => {
  let connection: KafkaConnection;
  let producer: EventProducer;
  const runners: ConsumerRunner<Payload>[] = [];

  beforeEach(async () => {
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'messaging-test', topicPrefix: uniqueTopicPrefix('msg') });
    await ensureTopics(connection, [
      { name: 'events.v1', partitions: 4 },
      { name: 'events.v1.dlq.v1', partitions: 1 },
    ]);
    producer = new EventProducer(connection);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await producer.disconnect();
  });

  function start(options: Partial<ConstructorParameters<typeof ConsumerRunner<Payload>>[1]> & { handle: (m: ConsumedMessage<Payload>) => Promise<void> }) {
    const runner = new ConsumerRunner<Payload>(connection, {
      groupId: 'test-group',
      topics: ['events.v1'],
      decode,
      maxAttempts: 3,
      backoff: { initialMs: 20, maxMs: 100 },
      ...options,
    });
    runners.push(runner);
    void runner.start();
    return runner;
  }

  const msg = (key: string, seq: number, extra: Record<string, unknown> = {}) => ({
    key,
    value: JSON.stringify({ id: randomUUID(), key, seq: String(seq), ...extra }),
  });

  it('delivers every message once, in order per key, across several partitions', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `chat-${i}`);
    const sent = keys.flatMap((k) => Array.from({ length: 25 }, (_, i) => msg(k, i)));
    // Interleave the keys so partitions receive them mixed, as real traffic would.
    sent.sort((a, b) => Number(JSON.parse(a.value).seq) - Number(JSON.parse(b.value).seq));
    await Promise.all(sent.map((m) => producer.send('events.v1', [m])));

    const seen = new Map<string, number[]>();
    const partitionsByKey = new Map<string, Set<number>>();
    start({
      handle: async (m) => {
        seen.set(m.value.key, [...(seen.get(m.value.key) ?? []), Number(m.value.seq)]);
        partitionsByKey.set(m.value.key, (partitionsByKey.get(m.value.key) ?? new Set()).add(m.partition));
      },
    });

    await waitFor(() => [...seen.values()].reduce((n, s) => n + s.length, 0) === sent.length, 30_000, 'all messages');
    const usedPartitions = new Set([...partitionsByKey.values()].flatMap((s) => [...s]));
    expect(usedPartitions.size).toBeGreaterThan(1);
    for (const key of keys) {
      expect(seen.get(key)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(partitionsByKey.get(key)!.size).toBe(1);
    }
  });

  it('retries a throwing handler a bounded number of times, dead-letters it, and keeps going on the same partition', async () => {
    const key = 'same-partition';
    const poison = msg(key, 1);
    const poisonId = JSON.parse(poison.value).id;
    await producer.send('events.v1', [msg(key, 0), poison, msg(key, 2), msg(key, 3)]);

    const attempts = new Map<string, number>();
    const processed: string[] = [];
    start({
      handle: async (m) => {
        attempts.set(m.value.id, (attempts.get(m.value.id) ?? 0) + 1);
        if (m.value.id === poisonId) throw Object.assign(new Error('cannot handle this one'), { code: 'BOOM' });
        processed.push(m.value.seq);
      },
    });

    await waitFor(() => processed.length === 3, 20_000, 'the later messages');
    expect(processed).toEqual(['0', '2', '3']);
    expect(attempts.get(poisonId)).toBe(3);

    const dlq = await readTopic(connection.dlqTopic('events.v1'), { expect: 1 });
    expect(dlq).toHaveLength(1);
    const record = JSON.parse(dlq[0].value!.toString()) as DeadLetterRecord;
    expect(record).toMatchObject({
      originalTopic: connection.topic('events.v1'),
      key,
      attempts: 3,
      error: { message: 'cannot handle this one', code: 'BOOM' },
      payloadEncoding: 'utf8',
    });
    expect(JSON.parse(record.payload!).id).toBe(poisonId);
    expect(dlq[0].key).toBe(key);

    // Offsets were committed past the poison message: a new consumer of the group sees nothing left.
    const admin = connection.kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: connection.groupId('test-group'), topics: [connection.topic('events.v1')] });
    await admin.disconnect();
    const partition = committed[0].partitions.find((p) => p.offset !== '-1')!;
    expect(Number(partition.offset)).toBe(Number(record.offset) + 3);
  });

  it('sends invalid JSON and schema-invalid payloads to the DLQ at once, without calling the handler', async () => {
    const good = msg('k', 1);
    await producer.send('events.v1', [
      { key: 'k', value: '{not json' },
      { key: 'k', value: JSON.stringify({ id: 'not-a-uuid', key: 'k', seq: '0' }) },
      { key: 'k', value: JSON.stringify({ id: randomUUID(), key: 'k', seq: '0', unexpected: true }) },
      { key: 'k', value: Buffer.from([0xff, 0xfe, 0x00]) },
      good,
    ]);
    const handled: string[] = [];
    start({ handle: async (m) => void handled.push(m.value.id) });

    await waitFor(() => handled.length === 1, 20_000, 'the valid message');
    expect(handled).toEqual([JSON.parse(good.value).id]);
    const dlq = await readTopic(connection.dlqTopic('events.v1'), { expect: 4 });
    const records = dlq.map((d) => JSON.parse(d.value!.toString()) as DeadLetterRecord).sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(records.map((r) => r.error.code)).toEqual(['INVALID_JSON', 'SCHEMA_INVALID', 'SCHEMA_INVALID', 'INVALID_JSON']);
    expect(records.every((r) => r.attempts === 0)).toBe(true);
    expect(records[0].payload).toBe('{not json');
    expect(records[3]).toMatchObject({ payloadEncoding: 'base64', payload: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') });
    expect(dlq.every((d) => d.headers['x-dlq-error'] === 'INVALID_JSON' || d.headers['x-dlq-error'] === 'SCHEMA_INVALID')).toBe(true);
  });

  it('pauses on an infrastructure error and resumes with the same message — never dead-lettered', async () => {
    await producer.send('events.v1', [msg('k', 0), msg('k', 1)]);
    let outage = true;
    let failures = 0;
    const processed: string[] = [];
    const runner = start({
      maxAttempts: 2,
      classifyError: (err) => ((err as { code?: string }).code === 'ECONNREFUSED' ? 'infrastructure' : 'retry'),
      handle: async (m) => {
        if (outage) {
          failures += 1;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
        processed.push(m.value.seq);
      },
    });
    await waitFor(() => failures >= 4, 20_000, 'several failed attempts');
    expect(runner.paused).toBe(true);
    expect(processed).toEqual([]);
    outage = false;
    await waitFor(() => processed.length === 2, 20_000, 'processing after the outage');
    expect(processed).toEqual(['0', '1']);
    expect(runner.paused).toBe(false);
    const dlq = await readTopic(connection.dlqTopic('events.v1'), { timeoutMs: 500 });
    expect(dlq).toHaveLength(0);
  });

  const connectionError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const byCode = (err: unknown) => {
    const code = (err as { code?: string }).code;
    return code === 'ECONNREFUSED' ? 'infrastructure' : code === 'DOMAIN' ? 'dead-letter' : code === 'TRANSIENT' ? 'transient' : 'retry';
  };

  it('resumes a partition paused by an outage when its message is then dead-lettered: the next record is handled within 10 s', async () => {
    const key = 'paused-then-dlq';
    const last = msg(key, 0);
    const lastId = JSON.parse(last.value).id;
    await producer.send('events.v1', [last]);
    const calls = new Map<string, number>();
    const handled: string[] = [];
    const runner = start({
      classifyError: byCode,
      handle: async (m) => {
        const n = (calls.get(m.value.id) ?? 0) + 1;
        calls.set(m.value.id, n);
        if (m.value.id === lastId) throw n === 1 ? connectionError() : Object.assign(new Error('rule says no'), { code: 'DOMAIN' });
        handled.push(m.value.id);
      },
    });
    await readTopic(connection.dlqTopic('events.v1'), { expect: 1, timeoutMs: 20_000 });
    expect(calls.get(lastId)).toBe(2);
    const next = msg(key, 1);
    await producer.send('events.v1', [next]);
    const sentAt = Date.now();
    await waitFor(() => handled.includes(JSON.parse(next.value).id), 10_000, 'the record produced after the dead-lettered one');
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(runner.health()).toMatchObject({ running: true, paused: [], stuck: false });
  });

  it('reports a partition paused longer than stuckAfterMs as stuck, and clears it when the outage ends', async () => {
    await producer.send('events.v1', [msg('stuck', 0)]);
    let outage = true;
    const processed: string[] = [];
    const runner = start({
      classifyError: byCode,
      stuckAfterMs: 1500,
      handle: async (m) => {
        if (outage) throw connectionError();
        processed.push(m.value.seq);
      },
    });
    const firstPause = await waitFor(() => (runner.health().paused.length > 0 ? runner.health() : undefined), 20_000, 'a paused partition');
    expect(firstPause.stuck).toBe(false);
    expect(firstPause.paused[0]).toMatchObject({ topic: 'events.v1' });
    await waitFor(() => runner.health().stuck, 10_000, 'the pause to be reported as stuck');
    expect(runner.health().paused[0].pausedForMs).toBeGreaterThan(1500);
    outage = false;
    await waitFor(() => processed.length === 1, 20_000, 'processing after the outage');
    expect(runner.health()).toMatchObject({ paused: [], stuck: false });
  });

  it('a stop during an outage leaves no partition paused', async () => {
    await producer.send('events.v1', [msg('stop', 0)]);
    let failures = 0;
    const runner = start({
      classifyError: byCode,
      handle: async () => {
        failures += 1;
        throw connectionError();
      },
    });
    await waitFor(() => runner.health().paused.length === 1, 20_000, 'a paused partition');
    await runner.stop();
    expect(failures).toBeGreaterThan(0);
    expect(runner.health()).toMatchObject({ running: false, paused: [] });
  });

  it('a transient error pauses while dependencyHealthy() says no (never dead-lettered) and is bounded once it says yes', async () => {
    const survivor = msg('transient-a', 0);
    await producer.send('events.v1', [survivor]);
    let healthy = false;
    let failures = 0;
    let failWhileHealthy = false;
    const processed: string[] = [];
    const runner = start({
      maxAttempts: 3,
      classifyError: byCode,
      dependencyHealthy: async () => healthy,
      handle: async (m) => {
        if (!healthy || failWhileHealthy) {
          failures += 1;
          throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: 'TRANSIENT' });
        }
        processed.push(m.value.id);
      },
    });
    // Far more failures than maxAttempts while the probe fails: still not dead-lettered, the partition is paused.
    await waitFor(() => failures >= 8, 20_000, 'failures while the dependency is unhealthy');
    expect(runner.health().paused).toHaveLength(1);
    expect(await readTopic(connection.dlqTopic('events.v1'), { timeoutMs: 300 })).toHaveLength(0);
    healthy = true;
    await waitFor(() => processed.length === 1, 20_000, 'the message after the dependency recovered');
    expect(processed).toEqual([JSON.parse(survivor.value).id]);
    expect(runner.health().paused).toEqual([]);

    // The dependency is healthy and the same message keeps failing: bounded like any other error.
    failWhileHealthy = true;
    failures = 0;
    const poison = msg('transient-b', 1);
    await producer.send('events.v1', [poison]);
    const dlq = await readTopic(connection.dlqTopic('events.v1'), { expect: 1, timeoutMs: 20_000 });
    const record = JSON.parse(dlq[0].value!.toString()) as DeadLetterRecord;
    expect(JSON.parse(record.payload!).id).toBe(JSON.parse(poison.value).id);
    expect(record.attempts).toBe(3);
    expect(failures).toBe(3);
  });

  it('hands runs of messages to the batch handler and isolates a poison message when the batch fails', async () => {
    const sent = Array.from({ length: 30 }, (_, i) => msg('batch-key', i));
    const poisonId = JSON.parse(sent[17].value).id;
    await producer.send('events.v1', sent);
    const batches: number[] = [];
    const stored = new Set<string>();
    start({
      maxAttempts: 2,
      maxBatchSize: 10,
      handleBatch: async (ms) => {
        if (ms.some((m) => m.value.id === poisonId)) throw new Error('constraint violated');
        batches.push(ms.length);
        ms.forEach((m) => stored.add(m.value.seq));
      },
      handle: async (m) => {
        if (m.value.id === poisonId) throw new Error('constraint violated');
        stored.add(m.value.seq);
      },
    });
    await waitFor(() => stored.size === 29, 20_000, '29 stored');
    expect(stored.has('17')).toBe(false);
    // Runs without the poison went through the batch handler in one go; the one holding it was replayed one by one.
    expect(batches.some((n) => n > 1)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBeLessThan(29);
    const dlq = await readTopic(connection.dlqTopic('events.v1'), { expect: 1 });
    expect(JSON.parse(JSON.parse(dlq[0].value!.toString()).payload).id).toBe(poisonId);
  });

  it('with batchAcrossPartitions the runs of the partitions of a fetch reach the batch handler in one call, and every partition is committed', async () => {
    const keys = Array.from({ length: 16 }, (_, i) => `joint-${i}`);
    const sent = keys.flatMap((k) => Array.from({ length: 5 }, (_, i) => msg(k, i)));
    await producer.send('events.v1', sent);
    const calls: Array<ConsumedMessage<Payload>[]> = [];
    const runner = start({
      batchAcrossPartitions: true,
      partitionsConsumedConcurrently: 4,
      handleBatch: async (ms) => void calls.push(ms),
      handle: async (m) => void calls.push([m]),
    });
    await waitFor(() => calls.flat().length >= sent.length, 20_000, 'every message handled');
    expect(calls.flat().map((m) => m.value.id).sort()).toEqual(sent.map((m) => JSON.parse(m.value).id).sort());
    // The four partitions were fetched together: one call carried the runs of several of them.
    expect(Math.max(...calls.map((c) => new Set(c.map((m) => m.partition)).size))).toBeGreaterThan(1);
    // Order holds per key (per partition) across the calls.
    for (const key of keys) expect(calls.flat().filter((m) => m.value.key === key).map((m) => m.value.seq)).toEqual(['0', '1', '2', '3', '4']);
    // Every partition's offset is committed: a new member of the group gets nothing again.
    await runner.stop();
    const admin = connection.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: connection.groupId('test-group'), topics: [connection.topic('events.v1')] });
      const ends = await admin.fetchTopicOffsets(connection.topic('events.v1'));
      const committedOf = new Map(committed[0].partitions.map((p) => [p.partition, p.offset]));
      for (const end of ends) expect({ partition: end.partition, offset: committedOf.get(end.partition) }).toEqual({ partition: end.partition, offset: end.high });
    } finally {
      await admin.disconnect();
    }
  });

  it('with batchAcrossPartitions a joint call that fails is retried per partition: only the poison message is dead-lettered', async () => {
    const keys = Array.from({ length: 16 }, (_, i) => `joint-poison-${i}`);
    const sent = keys.flatMap((k) => Array.from({ length: 3 }, (_, i) => msg(k, i)));
    const poison = JSON.parse(sent[7].value) as Payload;
    await producer.send('events.v1', sent);
    const stored: string[] = [];
    const oneByOne: Array<ConsumedMessage<Payload>> = [];
    let poisonPartition = -1;
    start({
      batchAcrossPartitions: true,
      partitionsConsumedConcurrently: 4,
      maxAttempts: 2,
      handleBatch: async (ms) => {
        const bad = ms.find((m) => m.value.id === poison.id);
        if (bad) {
          poisonPartition = bad.partition;
          throw new Error('constraint violated');
        }
        ms.forEach((m) => stored.push(m.value.id));
      },
      handle: async (m) => {
        oneByOne.push(m);
        if (m.value.id === poison.id) throw new Error('constraint violated');
        stored.push(m.value.id);
      },
    });
    await waitFor(() => stored.length === sent.length - 1, 20_000, 'all but the poison message stored');
    expect(new Set(stored).size).toBe(sent.length - 1);
    expect(stored).not.toContain(poison.id);
    // The failed joint call cost only the poison's partition: the others' runs went through the batch handler on
    // their own, and message-by-message handling happened in that partition alone.
    expect(oneByOne.length).toBeGreaterThan(0);
    expect(new Set(oneByOne.map((m) => m.partition))).toEqual(new Set([poisonPartition]));
    const dlq = await readTopic(connection.dlqTopic('events.v1'), { expect: 1 });
    expect(JSON.parse(JSON.parse(dlq[0].value!.toString()).payload).id).toBe(poison.id);
  });

  it('with fetchMinBytes the broker holds a fetch for fetchMaxWaitMs: messages trickling in arrive as one batch', async () => {
    const batches: number[] = [];
    const runner = start({
      fetchMinBytes: 1024 * 1024,
      fetchMaxWaitMs: 800,
      handleBatch: async (ms) => void batches.push(ms.length),
      handle: async () => void batches.push(1),
    });
    await waitFor(() => runner.health().running, 20_000, 'the consumer running');
    await new Promise((r) => setTimeout(r, 1500)); // joined and fetching: the first (empty) fetches are over
    // One key (one partition), 12 messages 20 ms apart: far below 1 MiB, so the broker answers at the 800 ms mark.
    for (let i = 0; i < 12; i++) {
      await producer.send('events.v1', [msg('trickle', i)]);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => batches.reduce((a, b) => a + b, 0) === 12, 10_000, 'the 12 messages');
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('a consumer process killed with SIGKILL mid-stream loses nothing: the restarted one redelivers every uncommitted message', async () => {
    const total = 400;
    const sent = Array.from({ length: total }, (_, i) => msg(`chat-${i % 20}`, i));
    await producer.send('events.v1', sent);
    const dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const out = join(dir, 'processed.txt');
    const root = resolve(__dirname, '../../..');
    const spawnChild = () =>
      spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(__dirname, 'testing/consumer-child.ts')], {
        env: { ...process.env, BROKERS: testBrokers().join(','), PREFIX: connection.options.topicPrefix, TOPIC: 'events.v1', GROUP: 'crash-group', OUT: out, DELAY_MS: '5' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean) : []);

    const first = spawnChild();
    await waitFor(() => lines().length >= 120, 60_000, 'the first consumer to get going');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const beforeKill = lines();
    expect(beforeKill.length).toBeLessThan(total);

    // What the group had committed when the process died.
    const admin = connection.kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: connection.groupId('crash-group'), topics: [connection.topic('events.v1')] });
    await admin.disconnect();
    const committedBy = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));

    const second = spawnChild();
    try {
      await waitFor(() => new Set(lines().map((l) => l.split(' ')[0])).size === total, 90_000, 'every message after restart');
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    const all = lines();
    const ids = new Set(all.map((l) => l.split(' ')[0]));
    expect(ids.size).toBe(total); // none lost
    const afterRestart = all.slice(beforeKill.length).map((l) => l.split(' '));
    // The restarted consumer starts exactly at the committed offset of each partition: every message at or after it
    // was delivered again (uncommitted ones are redelivered), nothing before it.
    for (const [, partition, offset] of afterRestart) {
      const c = committedBy.get(Number(partition)) ?? -1;
      expect(Number(offset)).toBeGreaterThanOrEqual(c < 0 ? 0 : c);
    }
    for (const [, partition, offset] of beforeKill.map((l) => l.split(' '))) {
      const c = committedBy.get(Number(partition)) ?? -1;
      if (Number(offset) >= c) {
        expect(afterRestart.some(([, p, o]) => p === partition && o === offset)).toBe(true);
      }
    }
  });
});
