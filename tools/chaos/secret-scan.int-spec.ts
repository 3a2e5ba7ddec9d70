import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { encryptSecret } from '@crm/secrets';
import { testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { scanForSecrets } from './secret-scan';

// The Kafka part of the credentials scan against the real broker: every record of every topic under the prefix —
// keys, values and headers, compacted topics and DLQs alike — and nothing of the topics of other prefixes.
describe('scanForSecrets on Kafka (real broker)', () => {
  it('finds a secret in a value, a key and a header of any topic under the prefix, ciphertext aside', async () => {
    const prefix = uniqueTopicPrefix('scan');
    const other = uniqueTopicPrefix('scan-other');
    const secret = `vk1.a.${randomBytes(24).toString('base64url')}`;
    const kafka = new Kafka({ brokers: testBrokers(), clientId: 'secret-scan-spec', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: `${prefix}channels.config.v1`, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: `${prefix}channels.inbound.v1.dlq.v1`, numPartitions: 1 },
        { topic: `${prefix}crm.events.v1`, numPartitions: 3 },
        { topic: `${other}channels.inbound.v1`, numPartitions: 1 },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const key = randomBytes(32);
    await producer.sendBatch({
      topicMessages: [
        {
          topic: `${prefix}channels.config.v1`,
          messages: [
            { key: 'c1', partition: 0, value: JSON.stringify({ encryptedSecrets: encryptSecret(secret, key) }) },
            { key: 'c1', partition: 1, value: JSON.stringify({ note: 'clean' }), headers: { 'x-debug': `token=${secret}` } },
          ],
        },
        { topic: `${prefix}channels.inbound.v1.dlq.v1`, messages: [{ key: 'k', value: JSON.stringify({ data: { text: `my token is ${secret}` } }) }] },
        { topic: `${prefix}crm.events.v1`, messages: [{ key: `chat:${secret}`, partition: 2, value: '{}' }] },
        { topic: `${other}channels.inbound.v1`, messages: [{ key: 'x', value: secret }] },
      ],
    });
    await producer.disconnect();

    const result = await scanForSecrets({ secrets: [{ name: 'vk accessToken', value: secret }], logFiles: [], responses: [], kafka: { brokers: testBrokers(), topicPrefix: prefix } });
    expect(result.findings.map((f) => f.where).sort()).toEqual(
      [`kafka ${prefix}channels.config.v1/1@0 header x-debug`, `kafka ${prefix}channels.inbound.v1.dlq.v1/0@0 value`, `kafka ${prefix}crm.events.v1/2@0 key`].sort(),
    );
    expect(result.scanned).toMatchObject({ kafkaTopics: 3, kafkaRecords: 4, kafkaComplete: true });
    for (const finding of result.findings) expect(finding.snippet).not.toContain(secret);
  }, 60_000);
});
