import { execFile } from 'node:child_process';

/** True when a Docker engine answers (not just the client binary): then testcontainers is an option. */
export function dockerEngineReachable(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (err, stdout) =>
      resolve(!err && stdout.trim().length > 0),
    );
  });
}

export function commandExists(command: string, args = ['-version']): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (err) => resolve(!err));
  });
}
