import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { ConsumerRunner } from './consumer-runner';
import type { EventProducer } from './event-producer';
import type { KafkaConnection } from './kafka-connection';

const CRASH = 'consumer.crash';

/** The part of a kafkajs consumer ConsumerRunner uses; `crash` emits kafkajs' CRASH event. */
class FakeConsumer extends EventEmitter {
  readonly events = { CRASH, GROUP_JOIN: 'consumer.group_join' };
  readonly connect = jest.fn(async () => undefined);
  readonly subscribe = jest.fn(async () => undefined);
  readonly run = jest.fn(async () => undefined);
  readonly disconnect = jest.fn(async () => undefined);
  crash(restart: boolean): void {
    this.emit(CRASH, { payload: { error: new Error('Failed to find group coordinator'), restart, groupId: 'g' } });
  }
}

function runnerWith(consumers: FakeConsumer[], failConnects = 0) {
  let failures = failConnects;
  const connection = {
    kafka: {
      consumer: jest.fn(() => {
        const consumer = new FakeConsumer();
        if (consumers.length > 0 && failures-- > 0) consumer.connect.mockRejectedValueOnce(new Error('broker unreachable'));
        consumers.push(consumer);
        return consumer as unknown as Consumer;
      }),
    },
    groupId: (base: string) => `p.${base}`,
    topic: (base: string) => `p.${base}`,
  } as unknown as KafkaConnection;
  const producer = { connect: jest.fn(), disconnect: jest.fn() } as unknown as EventProducer;
  return new ConsumerRunner<unknown>(connection, { groupId: 'g', topics: ['t'], decode: (v) => v, handle: async () => undefined, crashRestartDelaysMs: [5, 10] }, producer);
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('ConsumerRunner when kafkajs gives up on its consumer', () => {
  it('a crash kafkajs does not restart: not running, then a new consumer joins and runs', async () => {
    const consumers: FakeConsumer[] = [];
    const runner = runnerWith(consumers);
    await runner.start();
    expect(runner.health().running).toBe(true);
    consumers[0].crash(false);
    expect(runner.health().running).toBe(false);
    await until(() => consumers.length === 2 && runner.health().running);
    expect(consumers[0].disconnect).toHaveBeenCalled();
    expect(consumers[1].subscribe).toHaveBeenCalledWith({ topic: 'p.t', fromBeginning: true });
    expect(consumers[1].run).toHaveBeenCalledTimes(1);
    await runner.stop();
  });

  it('keeps trying while a new consumer cannot connect', async () => {
    const consumers: FakeConsumer[] = [];
    const runner = runnerWith(consumers, 2);
    await runner.start();
    consumers[0].crash(false);
    await until(() => consumers.length === 4 && runner.health().running);
    expect(consumers.slice(1, 3).every((c) => c.run.mock.calls.length === 0)).toBe(true);
    expect(consumers[3].run).toHaveBeenCalledTimes(1);
    await runner.stop();
  });

  it('a crash kafkajs restarts itself, or one after stop(), creates no second consumer', async () => {
    const consumers: FakeConsumer[] = [];
    const runner = runnerWith(consumers);
    await runner.start();
    consumers[0].crash(true);
    await runner.stop();
    consumers[0].crash(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(consumers).toHaveLength(1);
  });
});
