// The whole system of a chaos or malformed-input run: a work directory, the suite's own Kafka and PostgreSQL, the
// platform and CRM fakes, fresh secrets and every service as a process behind the public origin — torn down in reverse.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChaosInfra, startChaosInfra } from './chaos-infra';
import { type ChaosFakes, startChaosFakes } from './chaos-platforms';
import { ChaosStack, type ChaosStackOptions } from './chaos-stack';

export interface ChaosSystem {
  workDir: string;
  infra: ChaosInfra;
  fakes: ChaosFakes;
  secrets: { SECRETS_KEY: string; AUTH_JWT_SECRET: string };
  stack: ChaosStack;
  /** Run by close(), last added first; callers add what they open on the system. */
  cleanups: Array<() => Promise<unknown>>;
  close(): Promise<void>;
}

export interface ChaosSystemOptions extends Omit<ChaosStackOptions, 'workDir' | 'env'> {
  /** Prefix of the work directory under the temp dir (`crm-chaos`, `crm-abuse`). */
  name: string;
  /** Env every service gets on top of infrastructure, fakes and secrets (LOG_LEVEL…). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export async function startChaosSystem(options: ChaosSystemOptions): Promise<ChaosSystem> {
  const { name, env, log, envOf, ...stackOptions } = options;
  const workDir = join(tmpdir(), `${name}-${randomBytes(4).toString('hex')}`);
  mkdirSync(workDir, { recursive: true });
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: Error) => log(`cleanup failed: ${err.message}`));
  };
  try {
    const infra = await startChaosInfra(workDir, log);
    cleanups.push(() => infra.close());
    const fakes = await startChaosFakes();
    cleanups.push(() => fakes.close());
    const secrets = { SECRETS_KEY: randomBytes(32).toString('base64'), AUTH_JWT_SECRET: randomBytes(32).toString('base64url') };
    const stack = await ChaosStack.start({
      ...stackOptions,
      workDir,
      env: { ...process.env, ...secrets, ...fakes.env, DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.brokers.join(','), KAFKA_TOPIC_PREFIX: infra.topicPrefix, CRM_ALLOW_LOOPBACK_URLS: 'true', ...env },
      envOf: {
        // Every visitor of a run comes from 127.0.0.1 and re-sends fast; the widget's limits have tests of their own.
        'connector-widget': { WIDGET_IP_REQUESTS_PER_MINUTE: '1000000', WIDGET_VISITOR_MESSAGES_PER_MINUTE: '100000' },
        ...envOf,
      },
    });
    cleanups.push(() => stack.close());
    log(`services up behind ${stack.publicUrl}; logs in ${workDir}`);
    return { workDir, infra, fakes, secrets, stack, cleanups, close };
  } catch (err) {
    await close();
    throw err;
  }
}
