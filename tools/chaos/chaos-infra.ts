// The chaos suite's own infrastructure, never the machine's shared servers (parallel suites use those): a Kafka broker
// that advertises a fault proxy's port (so every client connection goes through the proxy) and can be stopped and
// started with its data, and a throwaway PostgreSQL cluster that can be halted, resumed and made read-only.
import { join } from 'node:path';
import { TOPIC_SPECS } from '@crm/contracts';
import { ensureTopics, KafkaConnection } from '@crm/messaging';
import { ensureDatabase, runMigrations } from '@crm/persistence';
import { freePort, type KafkaFaultProxy, type LocalKafka, startKafkaFaultProxy, startLocalKafka, startThrowawayPostgres, type ThrowawayPostgres } from '@crm/testing';

export interface ChaosInfra {
  brokers: string[];
  databaseUrl: string;
  proxy: KafkaFaultProxy;
  postgres: ThrowawayPostgres;
  topicPrefix: string;
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  close(): Promise<void>;
}

export async function startChaosInfra(workDir: string, log: (line: string) => void): Promise<ChaosInfra> {
  const brokerPort = await freePort();
  const proxy = await startKafkaFaultProxy({ port: brokerPort });
  const kafkaOptions = { dataDir: join(workDir, 'kafka'), port: brokerPort, advertisedPort: proxy.port, heap: '512m' };
  let kafka: LocalKafka | undefined = await startLocalKafka(kafkaOptions);
  // The broker must not outlive a run that ends without close() (the throwaway PostgreSQL has its own such hook).
  const killBroker = () => {
    try {
      if (kafka) process.kill(kafka.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killBroker);
  log(`Kafka ${kafka.version} on 127.0.0.1:${brokerPort}, advertised through the fault proxy on ${proxy.port}`);
  // Durable: the suite stops it like a crash, and what answered "committed" must survive that.
  const postgres = await startThrowawayPostgres({ maxConnections: 200, durable: true });
  const databaseUrl = postgres.url('crm_chaos');
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  log(`PostgreSQL (throwaway cluster) on 127.0.0.1:${postgres.port}, migrated`);
  const topicPrefix = 'chaos.';
  const connection = new KafkaConnection({ brokers: kafka.brokers, clientId: 'chaos-setup', topicPrefix });
  await ensureTopics(
    connection,
    TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) })),
  );
  return {
    brokers: kafka.brokers,
    databaseUrl,
    proxy,
    postgres,
    topicPrefix,
    async stopKafka() {
      await kafka?.stop();
      kafka = undefined;
    },
    async startKafka() {
      kafka ??= await startLocalKafka(kafkaOptions);
    },
    async close() {
      process.removeListener('exit', killBroker);
      await kafka?.stop();
      await proxy.close();
      await postgres.stop();
    },
  };
}
