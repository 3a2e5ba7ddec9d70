import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo's root (where nx.json lives), from sources or from the dist/ build alike. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json')) || !existsSync(join(dir, 'deploy'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${from}`);
    dir = up;
  }
  return dir;
}
