import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** Brokers provisioned by the global setup (or given by KAFKA_BROKERS). */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests through `npm test` (its global setup starts Kafka)');
  return brokers.split(',');
}

/** A KAFKA_TOPIC_PREFIX unique to one test, so topics and consumer groups never collide between tests or runs. */
export function uniqueTopicPrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}.`;
}

/** Reads every message currently in a (full-name) topic from the beginning, for assertions. */
export async function readTopic(
  topic: string,
  options: { expect?: number; timeoutMs?: number; brokers?: string[] } = {},
): Promise<Array<{ key: string | null; value: Buffer | null; headers: Record<string, string>; partition: number; offset: string }>> {
  const kafka = new Kafka({ brokers: options.brokers ?? testBrokers(), clientId: 'test-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const out: Array<{ key: string | null; value: Buffer | null; headers: Record<string, string>; partition: number; offset: string }> = [];
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      out.length = 0;
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
      const total = offsets.reduce((n, o) => n + (Number(o.high) - Number(o.low)), 0);
      if (total > 0) {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message, partition }) => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
              out.push({ key: message.key?.toString() ?? null, value: message.value, headers, partition, offset: message.offset });
              if (out.length >= total) resolve();
            },
          });
        });
        await consumer.disconnect();
      }
      if (options.expect === undefined || out.length >= options.expect || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
  return out;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
