// TLS + SASL and KAFKA_CREATE_TOPICS=false against a real broker of our own (not the suite's shared PLAINTEXT one):
// one KRaft broker from the cached Maven jars with a SASL_SSL listener (keytool self-signed certificate, SCRAM-SHA-256/
// SCRAM-SHA-512 users created at format time, a PLAIN user in the JAAS config) and ACLs enforced: the users hold
// exactly the ACLs docs/kafka.md lists. The PLAINTEXT listener of the same broker (a super user) plays the operator
// who grants the ACLs and creates topics out of band.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { TOPIC_SPECS, Topics } from '@crm/contracts';
import { ConfigValidationError, KafkaClientConfig, loadConfig } from '@crm/config';
import { ConsumedMessage, ConsumerRunner, ensureTopics, EventProducer, KafkaConnection, kafkaConnectionFromConfig, KafkaSecurityError, TopicsNotReadyError, verifyTopics } from '@crm/messaging';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { captureLogs, LocalKafka, selfSignedCertificate, startLocalKafka, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { startService } from './bootstrap';

jest.setTimeout(120_000);

const ALICE = { username: 'alice', password: `alice-${randomUUID()}` };
const BOB = { username: 'bob', password: `bob-${randomUUID()}` };
/** May not create topics (KAFKA_CREATE_TOPICS=false ACLs). */
const DAVE = { username: 'dave', password: `dave-${randomUUID()}` };
/** Authenticates, but holds no ACL. */
const CAROL = { username: 'carol', password: `carol-${randomUUID()}` };
/** Every topic and group prefix of this file starts with it (uniqueTopicPrefix('sec')). */
const ACL_PREFIX = 'sec-';
/** docs/kafka.md "ACLs": prefixed on KAFKA_TOPIC_PREFIX; Create/Alter only where the apps create topics. */
const TOPIC_OPERATIONS = { create: ['DESCRIBE', 'READ', 'WRITE', 'CREATE', 'ALTER'], verify: ['DESCRIBE', 'READ', 'WRITE', 'DESCRIBE_CONFIGS'] } as const;
const GROUP_OPERATIONS = ['DESCRIBE', 'READ', 'DELETE'] as const;
const ALL_TOPICS = TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted }));

describe('Kafka over TLS + SASL (a broker with a SASL_SSL listener)', () => {
  let kafka: LocalKafka;
  let db: TestDatabase;
  let scratch: string;
  let wrongCaFile: string;
  let clients: ReturnType<typeof clientCertificates>;
  /** The broker's PLAINTEXT listener: creates topics as an operator would. */
  let operator: (prefix: string) => KafkaConnection;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'crm-kafka-sec-'));
    clients = clientCertificates(scratch);
    [kafka, db, wrongCaFile] = await Promise.all([
      startLocalKafka({ secure: { scramUsers: [ALICE, DAVE, CAROL], plainUsers: [BOB], authorizer: true, clientCaFile: clients.caFile }, heap: '512m' }),
      createTestDatabase(),
      selfSignedCertificate(scratch, 'impostor', 'impostor-store').then((c) => c.pemFile),
    ]);
    operator = (prefix) => new KafkaConnection({ brokers: kafka.brokers, clientId: 'operator', topicPrefix: prefix });
    await grant([[ALICE, 'create'], [BOB, 'create'], [DAVE, 'verify']]);
  });

  async function grant(users: Array<[{ username: string }, keyof typeof TOPIC_OPERATIONS]>): Promise<void> {
    const admin = operator('').kafka.admin();
    await admin.connect();
    const entry = (username: string, resourceType: AclResourceTypes, operation: keyof typeof AclOperationTypes) => ({
      resourceType, resourceName: ACL_PREFIX, resourcePatternType: ResourcePatternTypes.PREFIXED, principal: `User:${username}`, host: '*',
      operation: AclOperationTypes[operation], permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: users.flatMap(([user, mode]) => [
        ...TOPIC_OPERATIONS[mode].map((op) => entry(user.username, AclResourceTypes.TOPIC, op)),
        ...GROUP_OPERATIONS.map((op) => entry(user.username, AclResourceTypes.GROUP, op)),
      ]),
    });
    await admin.disconnect();
  }
  afterAll(async () => {
    await db?.drop();
    await kafka?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The environment a deployment would set for the SASL_SSL listener. */
  const secureEnv = (mechanism: string, user: { username: string; password: string }, extra: Record<string, string> = {}): Record<string, string> => ({
    KAFKA_BROKERS: kafka.secure!.brokers.join(','),
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('sec'),
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: kafka.secure!.caFile,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: user.username,
    KAFKA_SASL_PASSWORD: user.password,
    ...extra,
  });
  const serviceEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({ ...env, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'info' });

  it.each([
    ['SCRAM-SHA-256', ALICE],
    ['SCRAM-SHA-512', ALICE],
    ['PLAIN', BOB],
  ])('produces and consumes through EventProducer and ConsumerRunner with %s over TLS', async (mechanism, user) => {
    const config = loadConfig(KafkaClientConfig, secureEnv(mechanism, user));
    const connection = kafkaConnectionFromConfig(config, { clientId: `sec-${mechanism}` });
    await connection.verifyTls();
    expect(await ensureTopics(connection, [{ name: 'secure.v1', partitions: 2 }, { name: 'secure.v1.dlq.v1', partitions: 1 }])).toHaveLength(2);
    const producer = new EventProducer(connection);
    await producer.connect();
    const seen: string[] = [];
    const runner = new ConsumerRunner<string>(connection, {
      groupId: 'sec-group',
      topics: ['secure.v1'],
      decode: (raw) => raw!.toString('utf8'),
      handle: async (m: ConsumedMessage<string>) => void seen.push(m.value),
    });
    try {
      void runner.start();
      await producer.send('secure.v1', [{ key: 'k1', value: `one-${mechanism}` }, { key: 'k1', value: `two-${mechanism}` }]);
      await waitFor(() => seen.length === 2, 30_000);
      expect(seen).toEqual([`one-${mechanism}`, `two-${mechanism}`]);
    } finally {
      await runner.stop();
      await producer.disconnect();
    }
  });

  it('boots a real service over SCRAM-SHA-256 with KAFKA_CREATE_TOPICS=false, without the right to create topics, once they exist; the password is in no log line', async () => {
    const env = secureEnv('SCRAM-SHA-256', DAVE, { KAFKA_CREATE_TOPICS: 'false' });
    await ensureTopics(operator(env.KAFKA_TOPIC_PREFIX), ALL_TOPICS);
    const logs = captureLogs();
    const service = await startService(leadRoutingService, { env: serviceEnv(env), logDestination: logs.destination, handleSignals: false });
    try {
      const res = await fetch(`${service.url}/health`);
      const body = (await res.json()) as { checks: { kafka: { up: boolean }; consumers: { up: boolean } } };
      expect(res.status).toBe(200);
      expect(body.checks.kafka.up).toBe(true);
      expect(body.checks.consumers.up).toBe(true);
    } finally {
      await service.close();
    }
    expect(logs.lines.length).toBeGreaterThan(2);
    expect(logs.lines.join('\n')).not.toContain(DAVE.password);
  });

  it('a user without ACLs: the boot fails with the broker\'s authorization error', async () => {
    const boot = startService(leadRoutingService, { env: serviceEnv(secureEnv('SCRAM-SHA-256', CAROL)), logDestination: captureLogs().destination, handleSignals: false });
    await expect(boot).rejects.toThrow(/authorization failed/i);
  });

  it('KAFKA_CREATE_TOPICS=false: the service refuses to start, naming the missing topic and a topic of the wrong shape, and creates nothing', async () => {
    const env = secureEnv('SCRAM-SHA-512', DAVE, { KAFKA_CREATE_TOPICS: 'false' });
    const prefix = env.KAFKA_TOPIC_PREFIX;
    const missing = `${Topics.ChannelsStatus}.dlq.v1`;
    await ensureTopics(
      operator(prefix),
      ALL_TOPICS.filter((s) => s.name !== missing).map((s) => (s.name === Topics.ChannelsConfig ? { ...s, compacted: false, config: { 'cleanup.policy': 'delete' } } : s)),
    );
    const boot = startService(leadRoutingService, { env: serviceEnv(env), logDestination: captureLogs().destination, handleSignals: false });
    const error = await boot.then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(TopicsNotReadyError);
    expect((error as TopicsNotReadyError).problems).toEqual([
      `missing topics: ${prefix}${missing}`,
      `${prefix}${Topics.ChannelsConfig} has cleanup.policy=delete, needs compact`,
    ]);
    expect((error as Error).message).toContain('KAFKA_CREATE_TOPICS=false');
    expect(await verifyTopics(operator(prefix), [{ name: missing, partitions: 1 }])).toEqual([`missing topics: ${prefix}${missing}`]);
  });

  it('a wrong password stops the boot at once with the broker\'s authentication error', async () => {
    const started = Date.now();
    const boot = startService(leadRoutingService, { env: serviceEnv(secureEnv('SCRAM-SHA-256', { ...ALICE, password: 'not-the-password' })), logDestination: captureLogs().destination, handleSignals: false });
    await expect(boot).rejects.toThrow(/SASL SCRAM SHA256 authentication failed/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('an untrusted broker certificate (another CA) stops the boot at once naming the TLS problem; KAFKA_SSL_REJECT_UNAUTHORIZED=false accepts it', async () => {
    const started = Date.now();
    const env = secureEnv('PLAIN', BOB, { KAFKA_SSL_CA_FILE: wrongCaFile });
    const boot = startService(leadRoutingService, { env: serviceEnv(env), logDestination: captureLogs().destination, handleSignals: false });
    const error = await boot.then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(KafkaSecurityError);
    expect((error as Error).message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed: .*certificate.*KAFKA_SSL_CA_FILE/);
    expect(Date.now() - started).toBeLessThan(15_000);

    const trusting = kafkaConnectionFromConfig(loadConfig(KafkaClientConfig, { ...env, KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }), { clientId: 'trusting' });
    await trusting.verifyTls();
    const admin = trusting.kafka.admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();
  });

  it('mutual TLS: a client certificate signed by the broker\'s client CA is accepted, a stranger\'s is refused at once', async () => {
    const withCert = (cert: string, key: string) =>
      kafkaConnectionFromConfig(loadConfig(KafkaClientConfig, secureEnv('SCRAM-SHA-256', ALICE, { KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key })), { clientId: 'mtls' });
    const trusted = withCert(clients.certFile, clients.keyFile);
    await trusted.verifyTls();
    const admin = trusted.kafka.admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();

    const started = Date.now();
    await expect(withCert(clients.strangerCertFile, clients.strangerKeyFile).verifyTls()).rejects.toThrow(/TLS handshake with 127\.0\.0\.1:\d+ failed: [\s\S]*alert certificate unknown[\s\S]*client certificate/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('the config refuses a mechanism without credentials and an unreadable CA file, naming the variables but not the password', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig(KafkaClientConfig, env, 'demo');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigValidationError);
        return (err as Error).message;
      }
      return '';
    };
    const base = secureEnv('SCRAM-SHA-256', ALICE);
    expect(problems({ ...base, KAFKA_SASL_PASSWORD: '' })).toContain('KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM');
    const unreadable = problems({ ...base, KAFKA_SSL_CA_FILE: join(scratch, 'no-such.pem'), KAFKA_SASL_MECHANISM: 'GSSAPI' });
    expect(unreadable).toContain(`KAFKA_SSL_CA_FILE cannot read ${join(scratch, 'no-such.pem')} (ENOENT)`);
    expect(unreadable).toContain('KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512');
    expect(unreadable).not.toContain(ALICE.password);
  });
});

/** A client CA with one client certificate it signed, and a self-signed stranger (openssl, PEM files in `dir`). */
function clientCertificates(dir: string) {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=crm-client-ca', '-days', '2', '-keyout', file('client-ca.key'), '-out', file('client-ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=crm-client', '-keyout', file('client.key'), '-out', file('client.csr'));
  openssl('x509', '-req', '-in', file('client.csr'), '-CA', file('client-ca.pem'), '-CAkey', file('client-ca.key'), '-CAcreateserial', '-days', '2', '-out', file('client.pem'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=stranger', '-days', '2', '-keyout', file('stranger.key'), '-out', file('stranger.pem'));
  return { caFile: file('client-ca.pem'), certFile: file('client.pem'), keyFile: file('client.key'), strangerCertFile: file('stranger.pem'), strangerKeyFile: file('stranger.key') };
}
