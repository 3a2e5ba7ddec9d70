import { Client } from 'pg';
import { commandExists, dockerEngineReachable } from './docker';
import { pinnedKafkaVersion, startLocalKafka } from './local-kafka';

export interface Infrastructure {
  kafkaBrokers: string[];
  /** URL of a database on the server with the right to CREATE DATABASE (the `postgres` database by default). */
  postgresAdminUrl: string;
  /** Human-readable lines saying where each piece came from. */
  description: string[];
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** Persistent broker data (npm start) or a throwaway directory (tests) when omitted. */
  kafkaDataDir?: string;
  kafkaPort?: number;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Real Kafka and Postgres for `npm start` and `npm test`, in this order of preference:
 *  1. KAFKA_BROKERS / DATABASE_URL when set (used as they are);
 *  2. the machine's local PostgreSQL server and a single-node KRaft broker from Maven Central jars on local Java;
 *  3. testcontainers (official apache/kafka and postgres images) when a Docker engine is reachable
 *     (or when CRM_INFRA=docker forces it).
 */
export async function provisionInfrastructure(options: ProvisionOptions = {}): Promise<Infrastructure> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void>> = [];
  const description: string[] = [];
  const forceDocker = env.CRM_INFRA === 'docker';

  let postgresAdminUrl: string;
  if (env.DATABASE_URL) {
    postgresAdminUrl = env.DATABASE_URL;
    description.push(`PostgreSQL from DATABASE_URL (${redactUrl(postgresAdminUrl)})`);
  } else if (!forceDocker && (await postgresReachable(DEFAULT_LOCAL_POSTGRES))) {
    postgresAdminUrl = DEFAULT_LOCAL_POSTGRES;
    description.push(`PostgreSQL: local server ${redactUrl(postgresAdminUrl)}`);
  } else if (await dockerEngineReachable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').withUsername('postgres').withPassword('postgres').start();
    postgresAdminUrl = `postgres://postgres:postgres@${container.getHost()}:${container.getPort()}/postgres`;
    stops.push(async () => void (await container.stop()));
    description.push(`PostgreSQL: testcontainers postgres:16-alpine on ${container.getHost()}:${container.getPort()}`);
  } else {
    throw new Error(
      'No PostgreSQL: DATABASE_URL is not set, nothing answers on 127.0.0.1:5432 and no Docker engine is reachable.',
    );
  }

  let kafkaBrokers: string[];
  if (env.KAFKA_BROKERS) {
    kafkaBrokers = env.KAFKA_BROKERS.split(',').map((s) => s.trim()).filter(Boolean);
    description.push(`Kafka from KAFKA_BROKERS (${kafkaBrokers.join(',')})`);
  } else if (!forceDocker && (await commandExists('java')) && (await commandExists('mvn', ['-v']))) {
    const started = Date.now();
    const kafka = await startLocalKafka({ dataDir: options.kafkaDataDir, port: options.kafkaPort, log });
    kafkaBrokers = kafka.brokers;
    stops.push(() => kafka.stop());
    description.push(`Kafka: Apache Kafka ${kafka.version} (KRaft, Maven Central jars, local Java) on ${kafka.brokers[0]}, up in ${Date.now() - started} ms`);
  } else if (await dockerEngineReachable()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    // The same version as the Maven broker (deploy/kafka/pom.xml), which docker-compose.yml also runs.
    const container = await new KafkaContainer(`apache/kafka:${pinnedKafkaVersion()}`).withKraft().start();
    kafkaBrokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
    stops.push(async () => void (await container.stop()));
    description.push(`Kafka: testcontainers apache/kafka:${pinnedKafkaVersion()} on ${kafkaBrokers[0]}`);
  } else {
    throw new Error('No Kafka: KAFKA_BROKERS is not set, Java 17+ with Maven is not available and no Docker engine is reachable.');
  }

  return {
    kafkaBrokers,
    postgresAdminUrl,
    description,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}

export async function postgresReachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Replaces a different database name in a postgres URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
