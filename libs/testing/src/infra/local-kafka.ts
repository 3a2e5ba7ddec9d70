import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { prepareSecureListener, SecureListener, SecureListenerOptions } from './kafka-secure-listener';
import { freePort, waitForPort } from './net';
import { repoRoot } from './repo-root';

const execFileAsync = promisify(execFile);

export interface LocalKafkaOptions {
  /** Directory for the broker's log dirs and config; a temp dir (deleted on stop) when omitted. */
  dataDir?: string;
  /** PLAINTEXT port; a free port when omitted. */
  port?: number;
  /**
   * The port the broker tells clients to use (`advertised.listeners`), when something (a fault proxy) listens there
   * and forwards to `port`; `brokers` then lists it. Defaults to `port`.
   */
  advertisedPort?: number;
  /** Max heap of the broker JVM. */
  heap?: string;
  log?: (line: string) => void;
  /** Also a SASL_SSL listener (self-signed certificate, SCRAM and PLAIN users); only PLAINTEXT when omitted. */
  secure?: SecureListenerOptions;
}

export interface LocalKafka {
  brokers: string[];
  version: string;
  pid: number;
  /** The SASL_SSL listener, when asked for (`secure`). */
  secure?: SecureListener;
  stop(): Promise<void>;
}


export function cacheDir(): string {
  return process.env.CRM_CACHE_DIR ?? join(homedir(), '.cache', 'crm-channels');
}

/** The Kafka version pinned in deploy/kafka/pom.xml. */
export function pinnedKafkaVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'deploy/kafka/pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('deploy/kafka/pom.xml has no <kafka.version> property');
  return match[1];
}

/** Resolves the broker's jars from Maven Central into the cache (once) and returns the classpath directory. */
export async function ensureKafkaJars(version = pinnedKafkaVersion(), log: (l: string) => void = () => undefined): Promise<string> {
  const libs = join(cacheDir(), `kafka-${version}`, 'libs');
  if (existsSync(join(libs, `kafka_2.13-${version}.jar`))) return libs;
  log(`resolving Apache Kafka ${version} from Maven Central into ${libs} ...`);
  mkdirSync(libs, { recursive: true });
  await execFileAsync(
    'mvn',
    ['-q', '-B', '-f', join(repoRoot(), 'deploy/kafka/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, `-Dkafka.version=${version}`],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return libs;
}

/**
 * Starts a real single-node Apache Kafka broker in KRaft mode (combined broker+controller) with the machine's Java.
 * Formats the storage on first use; a persistent dataDir makes later starts warm.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const log = options.log ?? (() => undefined);
  const version = pinnedKafkaVersion();
  const libs = await ensureKafkaJars(version, log);
  const temporary = !options.dataDir;
  const dir = options.dataDir ?? join(tmpdir(), `crm-kafka-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = options.port ?? (await freePort());
  const controllerPort = await freePort();
  const classpath = `${libs}/*`;

  writeFileSync(join(dir, 'log4j2.properties'), LOG4J2);
  const advertisedPort = options.advertisedPort ?? port;
  const secure = options.secure ? await prepareSecureListener(dir, options.secure) : undefined;
  writeFileSync(join(dir, 'server.properties'), serverProperties(join(dir, 'data'), port, controllerPort, advertisedPort, secure?.port) + (secure ? `${secure.properties.join('\n')}\n` : ''));

  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const clusterId = newClusterId();
    await execFileAsync('java', [
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      '-cp', classpath, 'kafka.tools.StorageTool', 'format', '--ignore-formatted',
      '-t', clusterId, '-c', join(dir, 'server.properties'),
      ...(secure?.formatArgs ?? []),
    ]);
  }

  const logFile = openSync(join(dir, 'broker.log'), 'a');
  const child: ChildProcess = spawn(
    'java',
    [
      `-Xmx${options.heap ?? '768m'}`, '-Xms256m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
      // The client (C1) compiler only. This broker lives for one test run, dev session or benchmark: with C2 as well
      // the JVM spends its first minutes compiling (C2 compiler threads at 28 % of a core during npm run bench:vk, more
      // than the broker's request handling at 17 %), CPU a long-running broker has long paid and that the 2-core
      // machine takes from the services measured next to it. C1 code handles the same requests at 21 %.
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${dir}`,
      '-cp', classpath, 'kafka.Kafka', join(dir, 'server.properties'),
    ],
    { stdio: ['ignore', logFile, logFile], detached: false },
  );
  let exited = false;
  const exitPromise = new Promise<void>((res) => child.once('exit', () => { exited = true; res(); }));

  const brokers = [`127.0.0.1:${advertisedPort}`];
  try {
    await waitForPort(port, 60_000, () => exited);
    if (secure) await waitForPort(secure.port, 60_000, () => exited);
    await waitForCluster(brokers, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    const tail = safeTail(join(dir, 'broker.log'));
    throw new Error(`Kafka broker did not start: ${(err as Error).message}\n${tail}`, { cause: err });
  }
  log(`Apache Kafka ${version} (KRaft) listening on ${brokers[0]} (data ${dir})`);

  return {
    brokers,
    version,
    pid: child.pid ?? -1,
    ...(secure ? { secure: secure.listener } : {}),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exitPromise;
        clearTimeout(timer);
      }
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForCluster(brokers: string[], timeoutMs: number): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'crm-infra-probe', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) {
        await admin.disconnect();
        return;
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await admin.disconnect().catch(() => undefined);
  throw new Error(`cluster not ready: ${String(lastError)}`);
}

function safeTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

function serverProperties(dataDir: string, port: number, controllerPort: number, advertisedPort = port, securePort?: number): string {
  const secure = securePort === undefined ? '' : `,SASL_SSL://127.0.0.1:${securePort}`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${secure}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${advertisedPort}${secure}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=3',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'log.segment.bytes=67108864',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = error',
  'appender.console.type = Console',
  'appender.console.name = STDOUT',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.stdout.ref = STDOUT',
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = INFO',
  '',
].join('\n');

/**
 * A KRaft cluster id: 16 random bytes, base64url (Kafka's Uuid form). One that starts with '-' would be read by the
 * storage tool's argument parser as an option (1 run in 64 failed to format), so such ids are drawn again.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
