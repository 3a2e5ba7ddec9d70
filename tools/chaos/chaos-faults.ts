// The faults of the chaos suite. Each runs to its end — the fault and its repair — while the load keeps going; the
// runner then measures how long the system takes to accept every chat's messages again.
import type { ChaosInfra } from './chaos-infra';
import type { ChaosFakes } from './chaos-platforms';
import type { ChaosStack } from './chaos-stack';

export interface ChaosContext {
  stack: ChaosStack;
  infra: ChaosInfra;
  fakes: ChaosFakes;
  log: (line: string) => void;
}

export interface ChaosFault {
  name: string;
  run(ctx: ChaosContext): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILL of one service, `times` times, each followed by a restart of only that service. */
export function killService(service: string, times: number): ChaosFault {
  return {
    name: `kill -9 ${service} ×${times}`,
    async run({ stack }) {
      for (let i = 0; i < times; i++) {
        await stack.kill(service);
        await sleep(1_000);
        await stack.startService(service);
        await sleep(2_000);
      }
    },
  };
}

export function kafkaStopped(ms: number): ChaosFault {
  return {
    name: `Kafka stopped ${ms / 1000} s`,
    async run({ infra }) {
      await infra.stopKafka();
      await sleep(ms);
      await infra.startKafka();
    },
  };
}

export function postgresStopped(ms: number): ChaosFault {
  return {
    name: `PostgreSQL stopped ${ms / 1000} s`,
    async run({ infra }) {
      await infra.postgres.halt();
      await sleep(ms);
      await infra.postgres.resume();
    },
  };
}

export function postgresReadOnly(ms: number): ChaosFault {
  return {
    name: `PostgreSQL read-only ${ms / 1000} s`,
    async run({ infra }) {
      await infra.postgres.readOnly(true);
      await sleep(ms);
      await infra.postgres.readOnly(false);
    },
  };
}

/** The broker writes, the answers never arrive (the produce path of every service, through the fault proxy). */
export function kafkaAnswersLost(ms: number): ChaosFault {
  return {
    name: `Kafka produce answers lost ${ms / 1000} s`,
    async run({ infra }) {
      infra.proxy.setMode({ kind: 'drop-produce-responses' });
      await sleep(ms);
      infra.proxy.setMode({ kind: 'pass' });
    },
  };
}

export function kafkaAnswersDelayed(ms: number, delayMs: number): ChaosFault {
  return {
    name: `Kafka answers ${delayMs} ms late for ${ms / 1000} s`,
    async run({ infra }) {
      infra.proxy.setMode({ kind: 'delay-responses', delayMs });
      await sleep(ms);
      infra.proxy.setMode({ kind: 'pass' });
    },
  };
}

/** The CRM portal down (port closed); the integrations service's clock runs fast, so this is hours of its backoff. */
export function crmDown(ms: number): ChaosFault {
  return {
    name: `CRM down ${ms / 1000} s`,
    async run({ fakes }) {
      await fakes.bitrix24.stop();
      await sleep(ms);
      await fakes.bitrix24.restart();
    },
  };
}

/** The fault set of `npm run chaos`: every service killed in turn, the infrastructure broken, the CRM down. */
export function allFaults(outageMs: number): ChaosFault[] {
  return [
    killService('lead-routing', 3),
    killService('connector-telegram', 2),
    killService('connector-whatsapp', 2),
    killService('connector-vk', 2),
    killService('connector-avito', 2),
    killService('connector-widget', 2),
    killService('integrations', 2),
    killService('api', 2),
    kafkaStopped(outageMs),
    postgresStopped(outageMs),
    postgresReadOnly(outageMs),
    kafkaAnswersLost(Math.min(outageMs, 15_000)),
    kafkaAnswersDelayed(Math.min(outageMs, 15_000), 3_000),
    crmDown(outageMs),
  ];
}
