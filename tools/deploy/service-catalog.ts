import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One deployable of deploy/services.json (DESIGN §2). */
export interface ServiceEntry {
  /** The folder under apps/ (and the compose service, image and DNS name). */
  name: string;
  port: number;
  /** Path prefixes the public origin sends to this service (`/webhooks/<type>/`). */
  routes: string[];
  /** Optional variables compose passes through from .env, defaulting to the config class's value. */
  env?: string[];
  /** Long-lived unbuffered connections through the proxy (WebSocket). */
  streaming?: boolean;
  /** Node.js flags of the service's process (its NODE_OPTIONS wherever it runs: compose, Kubernetes, npm start, chaos, bench). */
  nodeOptions?: string;
}

const NODE_FLAGS = /^--[a-z][a-z0-9-]*(=[a-z0-9._-]+)?( --[a-z][a-z0-9-]*(=[a-z0-9._-]+)?)*$/;

/** The environment that gives a service process its entry's node flags (NODE_OPTIONS), or nothing. */
export function nodeOptionsEnv(s: ServiceEntry): { NODE_OPTIONS?: string } {
  return s.nodeOptions ? { NODE_OPTIONS: s.nodeOptions } : {};
}

/** The one list of deployables: deploy/services.json under `root`. Validated (unique names, ports and routes). */
export function loadServices(root: string): ServiceEntry[] {
  const doc = JSON.parse(readFileSync(join(root, 'deploy/services.json'), 'utf8')) as { services?: unknown };
  if (!Array.isArray(doc.services)) throw new Error('deploy/services.json: "services" must be an array');
  const services = doc.services as ServiceEntry[];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    if (!/^[a-z][a-z0-9-]*$/.test(String(s.name))) problems.push(`bad name ${JSON.stringify(s.name)}`);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) problems.push(`${s.name}: bad port ${JSON.stringify(s.port)}`);
    if (!Array.isArray(s.routes) || !s.routes.every((r) => /^\/[a-z0-9/_-]*\/$/.test(r))) problems.push(`${s.name}: routes must be path prefixes like "/webhooks/x/"`);
    if (s.nodeOptions !== undefined && !NODE_FLAGS.test(String(s.nodeOptions))) problems.push(`${s.name}: nodeOptions must be node flags like "--max-semi-space-size=4"`);
    if (s.env !== undefined && !(Array.isArray(s.env) && s.env.every((v) => /^[A-Z][A-Z0-9_]*$/.test(v)))) problems.push(`${s.name}: env must list variable names`);
    for (const key of [`name:${s.name}`, `port:${s.port}`, ...(s.routes ?? []).map((r) => `route:${r}`)]) {
      if (seen.has(key)) problems.push(`duplicate ${key}`);
      seen.add(key);
    }
  }
  if (problems.length > 0) throw new Error(`deploy/services.json: ${problems.join('; ')}`);
  return services;
}
