import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

export interface SupervisedChild {
  name: string;
  child: ChildProcess;
}

/** Whether the process is gone: it exited with a code, or was killed by a signal (then `exitCode` stays null). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * The dev stack's child services. Any child that exits while the stack is not stopping is reported once through
 * `onUnexpectedExit` (the stack then stops everything); `stopAll` ends every child still running — SIGTERM, then
 * SIGKILL after `killAfterMs` — and resolves once all are gone, including children that died by a signal earlier.
 */
export class ServiceSupervisor {
  private readonly children: SupervisedChild[] = [];
  private stopping = false;

  constructor(
    private readonly onUnexpectedExit: (name: string, reason: string) => void,
    private readonly killAfterMs = 20_000,
  ) {}

  get list(): readonly SupervisedChild[] {
    return this.children;
  }

  spawn(name: string, command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    this.children.push({ name, child });
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.onUnexpectedExit(name, String(signal ?? code));
    });
    return child;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.children.map(({ child }) => this.stopOne(child)));
  }

  private stopOne(child: ChildProcess): Promise<void> {
    return new Promise<void>((resolve) => {
      if (hasExited(child)) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), this.killAfterMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
