import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DevSecrets {
  SECRETS_KEY: string;
  AUTH_JWT_SECRET: string;
}

/** Development secrets, generated once per machine and kept outside the repo (0600), unless the env provides them. */
export function loadDevSecrets(file: string, env: NodeJS.ProcessEnv = process.env): DevSecrets {
  let stored: Partial<DevSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  const secrets: DevSecrets = {
    SECRETS_KEY: env.SECRETS_KEY ?? stored.SECRETS_KEY ?? randomBytes(32).toString('base64'),
    AUTH_JWT_SECRET: env.AUTH_JWT_SECRET ?? stored.AUTH_JWT_SECRET ?? randomBytes(32).toString('base64url'),
  };
  if (!env.SECRETS_KEY && !env.AUTH_JWT_SECRET && (!stored.SECRETS_KEY || !stored.AUTH_JWT_SECRET)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
