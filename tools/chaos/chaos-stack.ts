// Every service of deploy/services.json as a process of its own (built from dist/, or straight from the TypeScript
// sources for the short run inside `npm test`), on spare ports, behind one public origin — so a service can be killed
// with SIGKILL and restarted alone while the others keep running.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { freePort, repoRoot } from '@crm/testing';
import { loadServices, nodeOptionsEnv, type ServiceEntry } from '../deploy/service-catalog';
import { createGateway, listenGateway } from '../dev-stack/gateway';

export type ServiceRunner = 'dist' | 'ts';

export interface ChaosService {
  entry: ServiceEntry;
  port: number;
  child?: ChildProcess;
  starts: number;
  /** The DevTools WebSocket of the current process, when started with `--inspect` (from its `Debugger listening on`). */
  inspectorUrl?: string;
  inspectPort: number;
}

export interface ChaosStackOptions {
  runner: ServiceRunner;
  workDir: string;
  /** Env every service gets (database, Kafka, secrets, fakes' URLs); PORT and PUBLIC_URL are added here. */
  env: NodeJS.ProcessEnv;
  /** Extra env per service name. */
  envOf?: Record<string, NodeJS.ProcessEnv>;
  /** Only these services (default: all of deploy/services.json). */
  only?: string[];
  /** Extra node flags before the entry point. `{inspectPort}` becomes a spare port of the service's own, allocated with
   * the others (`--inspect=127.0.0.1:{inspectPort}` to reach a process through DevTools; port 0 would race with the
   * ports handed to services starting at the same time). */
  nodeArgs?: string[];
}

const HEALTH_TIMEOUT_MS = 120_000;

export class ChaosStack {
  readonly services = new Map<string, ChaosService>();
  private gateway?: Server;
  private readonly logs = new Map<string, WriteStream>();
  publicUrl = '';

  private constructor(private readonly options: ChaosStackOptions) {}

  static async start(options: ChaosStackOptions): Promise<ChaosStack> {
    const stack = new ChaosStack(options);
    // A run that ends any other way than close() (an error, Ctrl-C → process.exit) takes its services with it.
    process.once('exit', stack.killAll);
    const entries = loadServices(repoRoot()).filter((s) => !options.only || options.only.includes(s.name));
    for (const entry of entries) stack.services.set(entry.name, { entry, port: await freePort(), inspectPort: await freePort(), starts: 0 });
    await stack.startGateway();
    try {
      await Promise.all([...stack.services.keys()].map((name) => stack.startService(name)));
    } catch (err) {
      await stack.close(); // the services that did start must not outlive a failed start
      throw err;
    }
    return stack;
  }

  private async startGateway(): Promise<void> {
    const routes = [...this.services.values()].flatMap((s) => s.entry.routes.map((prefix) => ({ prefix, target: `http://127.0.0.1:${s.port}` })));
    this.gateway = createGateway(routes);
    const port = await freePort();
    await listenGateway(this.gateway, port, '127.0.0.1');
    this.publicUrl = `http://127.0.0.1:${port}`;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.require(name).port}`;
  }

  /** Starts (or restarts) one service and waits until its /health/ready answers 200. */
  async startService(name: string): Promise<void> {
    const service = this.require(name);
    const root = repoRoot();
    const entry =
      this.options.runner === 'dist'
        ? ['--enable-source-maps', join(root, 'dist/apps', name, 'src/main.js')]
        : ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(root, 'apps', name, 'src/main.ts')];
    const env = { ...this.options.env, ...nodeOptionsEnv(service.entry), ...this.options.envOf?.[name], PORT: String(service.port), PUBLIC_URL: this.publicUrl };
    const args = [...(this.options.nodeArgs ?? []).map((a) => a.replace('{inspectPort}', String(service.inspectPort))), ...entry];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = this.logOf(name);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    service.inspectorUrl = undefined;
    child.stderr!.on('data', (chunk: Buffer) => {
      service.inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
    });
    service.child = child;
    service.starts += 1;
    await this.waitReady(name, child);
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is cut wherever it is. */
  async kill(name: string): Promise<void> {
    const child = this.require(name).child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  private readonly killAll = (): void => {
    for (const { child } of this.services.values()) if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  async close(): Promise<void> {
    process.removeListener('exit', this.killAll);
    await new Promise<void>((resolve) => (this.gateway ? this.gateway.close(() => resolve()) : resolve()));
    this.gateway?.closeAllConnections();
    await Promise.all(
      [...this.services.values()].map(async (s) => {
        const child = s.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    for (const log of this.logs.values()) log.end();
  }

  /** The path of a service's log file (every start appends). */
  logFile(name: string): string {
    return join(this.options.workDir, `${name}.log`);
  }

  private logOf(name: string): WriteStream {
    let log = this.logs.get(name);
    if (!log) {
      log = createWriteStream(this.logFile(name), { flags: 'a' });
      this.logs.set(name, log);
    }
    return log;
  }

  private async waitReady(name: string, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    const url = `${this.url(name)}/health/ready`;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited during start (see ${this.logFile(name)})`);
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready within ${HEALTH_TIMEOUT_MS} ms (see ${this.logFile(name)})`);
  }

  private require(name: string): ChaosService {
    const service = this.services.get(name);
    if (!service) throw new Error(`unknown service ${name}`);
    return service;
  }
}
