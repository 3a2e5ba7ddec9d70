// A real consumer process for the crash test: consumes TOPIC in group GROUP, appends "<id> <partition> <offset>"
// for each processed message to OUT (synchronously, before the offset can be committed), slowly, until killed.
import { appendFileSync } from 'node:fs';
import { ConsumerRunner } from '../consumer-runner';
import { KafkaConnection } from '../kafka-connection';

const { BROKERS, PREFIX, TOPIC, GROUP, OUT, DELAY_MS } = process.env as Record<string, string>;
const connection = new KafkaConnection({ brokers: BROKERS.split(','), clientId: 'crash-child', topicPrefix: PREFIX });
const runner = new ConsumerRunner<{ id: string }>(connection, {
  groupId: GROUP,
  // A short session so the restarted member doesn't wait 30 s for the killed one to be evicted.
  sessionTimeoutMs: 6000,
  topics: [TOPIC],
  decode: (raw) => JSON.parse(raw!.toString()),
  handle: async (m) => {
    appendFileSync(OUT, `${m.value.id} ${m.partition} ${m.offset}\n`);
    await new Promise((r) => setTimeout(r, Number(DELAY_MS ?? 5)));
  },
});
runner.start().then(() => process.stdout.write('started\n'));
process.on('SIGTERM', () => void runner.stop().then(() => process.exit(0)));
