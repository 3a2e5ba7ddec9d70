import type { ChildProcess } from 'node:child_process';
import { hasExited, ServiceSupervisor } from './service-supervisor';

const LONG_RUNNING = ['-e', 'setInterval(() => undefined, 1000)'];
const IGNORES_SIGTERM = ['-e', "process.on('SIGTERM', () => undefined); process.stdout.write('ready\\n'); setInterval(() => undefined, 1000)"];

function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('spawn', () => resolve()));
}

describe('ServiceSupervisor (the dev stack\'s child services)', () => {
  let supervisor: ServiceSupervisor | undefined;
  afterEach(() => {
    for (const { child } of supervisor?.list ?? []) if (!hasExited(child)) child.kill('SIGKILL');
  });

  it('reports a service killed by a signal and still stops the rest (the stop used to wait forever for it)', async () => {
    const exits: Array<[string, string]> = [];
    supervisor = new ServiceSupervisor((name, reason) => exits.push([name, reason]), 5_000);
    const children = ['api', 'lead-routing', 'connector-telegram'].map((name) =>
      supervisor!.spawn(name, process.execPath, LONG_RUNNING, { stdio: 'ignore' }),
    );
    await Promise.all(children.map(spawned));

    const killed = children[1];
    await new Promise<void>((resolve) => {
      killed.once('exit', () => resolve());
      killed.kill('SIGKILL');
    });
    expect(killed.exitCode).toBeNull();
    expect(hasExited(killed)).toBe(true);
    expect(exits).toEqual([['lead-routing', 'SIGKILL']]);

    const started = Date.now();
    await supervisor.stopAll();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(children.every(hasExited)).toBe(true);
    // Stopping on purpose is not reported as an unexpected exit.
    expect(exits).toHaveLength(1);
  });

  it('kills a service that ignores SIGTERM after the grace period', async () => {
    supervisor = new ServiceSupervisor(() => undefined, 300);
    const stubborn = supervisor.spawn('integrations', process.execPath, IGNORES_SIGTERM, { stdio: ['ignore', 'pipe', 'ignore'] });
    // It says "ready" once its SIGTERM handler is installed.
    await new Promise<void>((resolve) => stubborn.stdout!.once('data', () => resolve()));
    await supervisor.stopAll();
    expect(stubborn.signalCode).toBe('SIGKILL');
  });

  it('resolves at once when every service already exited with a code', async () => {
    supervisor = new ServiceSupervisor(() => undefined);
    const quick = supervisor.spawn('api', process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => quick.once('exit', () => resolve()));
    await supervisor.stopAll();
    expect(quick.exitCode).toBe(3);
  });
});
