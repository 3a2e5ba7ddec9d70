// Consistency of docker-compose.yml and deploy/proxy/nginx.conf with the apps themselves (DESIGN §2, §3, §9):
// no Docker engine is needed, the files are parsed and checked against the apps' ServiceDefinitions and config
// classes, so a variable added to a config class, or a port changed, fails here instead of in production.
//
//   npx jest --rootDir . -c deploy/jest.config.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { declaredVariables, requiredVariables } from '@crm/config';
import type { ServiceDefinition } from '@crm/service-kit';
import { pinnedKafkaVersion } from '@crm/testing';
import { GENERATED_BEGIN, GENERATED_END, loadDefinitions, renderComposeServices, renderNginxLocations, renderNginxUpstreams, replaceGenerated, UPSTREAMS_BEGIN, UPSTREAMS_END } from '../tools/deploy/deploy-files';
import { loadServices } from '../tools/deploy/service-catalog';

type AnyDefinition = ServiceDefinition<any>;
type Json = Record<string, unknown>;

const ROOT = path.resolve(__dirname, '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const NGINX_FILE = path.join(ROOT, 'deploy/proxy/nginx.conf');

/** The one list of deployables (DESIGN §2): compose, the proxy and the dev stack all follow it. */
const SERVICES = loadServices(ROOT);
const DEFINITIONS = loadDefinitions(SERVICES) as AnyDefinition[];

/** DESIGN §2: public path prefix → app behind it. */
export const PUBLIC_ROUTES: ReadonlyArray<{ prefix: string; service: string }> = SERVICES.flatMap((s) => s.routes.map((prefix) => ({ prefix, service: s.name })));

/** Secrets must come from the environment / .env, and compose must refuse to start without them. */
const SECRET_VARIABLES = ['AUTH_JWT_SECRET', 'SECRETS_KEY'];
/** Set in the image; allowed in an app's environment although no config class declares it. */
const EXTRA_ALLOWED_VARIABLES = ['NODE_ENV'];
const PROXY_PORT = 8080;

// ---------------------------------------------------------------------------------------------------------------------
// Compose helpers

export function loadCompose(text = fs.readFileSync(COMPOSE_FILE, 'utf8')): Json {
  return parse(text, { merge: true }) as Json;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `environment` in either compose form (map, or list of KEY=VALUE) as a map; values as strings. */
function environmentOf(service: Json): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const s = String(entry);
        const i = s.indexOf('=');
        return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
      }),
    );
  }
  if (isObject(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  return {};
}

/** `depends_on` in either form, as service → condition (the short form means service_started). */
function dependsOnOf(service: Json): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  if (isObject(deps)) {
    return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, isObject(v) && typeof v.condition === 'string' ? v.condition : 'service_started']));
  }
  return {};
}

function buildArgsOf(service: Json): Record<string, string> {
  const build = service.build;
  if (!isObject(build)) return {};
  const args = build.args;
  if (Array.isArray(args)) return environmentOf({ environment: args });
  return isObject(args) ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])) : {};
}

function hasHealthcheck(service: Json): boolean {
  const hc = service.healthcheck;
  if (!isObject(hc) || hc.disable === true) return false;
  const test = hc.test;
  if (typeof test === 'string') return test.trim() !== '';
  return Array.isArray(test) && test.length > 1 && test[0] !== 'NONE';
}

function healthcheckText(service: Json): string {
  const hc = service.healthcheck;
  if (!isObject(hc)) return '';
  return Array.isArray(hc.test) ? hc.test.map(String).join(' ') : String(hc.test ?? '');
}

function hasVolume(service: Json): boolean {
  return Array.isArray(service.volumes) && service.volumes.length > 0;
}

/** Published ports as { published, target } pairs (short "host:container" / "ip:host:container" or long syntax). */
function portsOf(service: Json): Array<{ published: string; target: string }> {
  if (!Array.isArray(service.ports)) return [];
  return service.ports.map((p) => {
    if (isObject(p)) return { published: String(p.published ?? ''), target: String(p.target ?? '') };
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    return { published: parts.length > 1 ? parts[parts.length - 2] : '', target: parts[parts.length - 1] };
  });
}

function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url.replace(/\$\{[^}]*\}/g, 'x'));
    return u.hostname;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The compose checker

/**
 * Every problem of a parsed docker-compose document with respect to the apps' service definitions; [] when it is
 * consistent. Pure: no Docker, no files, no network.
 */
export function checkCompose(doc: Json, definitions: readonly AnyDefinition[]): string[] {
  const problems: string[] = [];
  const services = isObject(doc.services) ? doc.services : {};
  const service = (name: string): Json | undefined => (isObject(services[name]) ? services[name] : undefined);

  // Dangling dependencies are a compose error.
  for (const [name, svc] of Object.entries(services)) {
    if (!isObject(svc)) continue;
    for (const dep of Object.keys(dependsOnOf(svc))) {
      if (!service(dep)) problems.push(`${name}: depends_on unknown service ${dep}`);
    }
  }

  // Infrastructure: official images, healthchecks, persistent volumes.
  const kafka = service('kafka');
  if (!kafka) {
    problems.push('kafka: no compose service');
  } else {
    if (!/^apache\/kafka:4\.\d+(\.\d+)?$/.test(String(kafka.image ?? ''))) problems.push(`kafka: image must be the official apache/kafka:4.x, got ${String(kafka.image)}`);
    if (!hasHealthcheck(kafka)) problems.push('kafka: no healthcheck');
    if (!hasVolume(kafka)) problems.push('kafka: no data volume');
    const env = environmentOf(kafka);
    const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim()).sort().join(',');
    if (roles !== 'broker,controller') problems.push(`kafka: KAFKA_PROCESS_ROLES must be broker,controller (single-node KRaft), got "${env.KAFKA_PROCESS_ROLES ?? ''}"`);
    if (!env.CLUSTER_ID) problems.push('kafka: CLUSTER_ID is not set (the image needs it in KRaft mode)');
    if (env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR !== '1') problems.push('kafka: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 1 on a single node');
  }
  const postgres = service('postgres');
  if (!postgres) {
    problems.push('postgres: no compose service');
  } else {
    if (!/^postgres:\d+(\.\d+)?(-[a-z0-9]+)?$/.test(String(postgres.image ?? ''))) problems.push(`postgres: image must be the official postgres, got ${String(postgres.image)}`);
    if (!hasHealthcheck(postgres)) problems.push('postgres: no healthcheck');
    else if (!healthcheckText(postgres).includes('pg_isready')) problems.push('postgres: healthcheck does not use pg_isready');
    if (!hasVolume(postgres)) problems.push('postgres: no data volume');
  }

  // Migration job: same database as the apps, after Postgres is healthy, runs once.
  const migrate = service('migrate');
  let migrateDatabaseUrl: string | undefined;
  if (!migrate) {
    problems.push('migrate: no compose service');
  } else {
    const build = isObject(migrate.build) ? migrate.build : {};
    const command = Array.isArray(migrate.command) ? migrate.command.join(' ') : String(migrate.command ?? '');
    if (build.target !== 'migrate' && !command.includes('migrate.js')) problems.push('migrate: must build the Dockerfile target "migrate" or run dist/libs/persistence/src/cli/migrate.js');
    migrateDatabaseUrl = environmentOf(migrate).DATABASE_URL;
    if (!migrateDatabaseUrl) problems.push('migrate: DATABASE_URL is not set');
    if (dependsOnOf(migrate).postgres !== 'service_healthy') problems.push('migrate: must depend on postgres being service_healthy');
    if (migrate.restart !== undefined && migrate.restart !== 'no' && migrate.restart !== 'on-failure') {
      problems.push(`migrate: a one-shot job must not restart "${String(migrate.restart)}"`);
    }
  }

  // The apps.
  for (const def of definitions) {
    const name = def.service;
    const svc = service(name);
    if (!svc) {
      problems.push(`${name}: no compose service`);
      continue;
    }
    const defaultPort = String((new def.configClass() as { PORT?: unknown }).PORT);
    const args = buildArgsOf(svc);
    if (!isObject(svc.build)) problems.push(`${name}: not built from the Dockerfile`);
    else {
      if (args.APP !== name) problems.push(`${name}: build arg APP must be "${name}", got "${args.APP ?? ''}"`);
      if (args.PORT !== defaultPort) problems.push(`${name}: build arg PORT must be ${defaultPort} (the image's EXPOSE/HEALTHCHECK port), got "${args.PORT ?? ''}"`);
      if (isObject(svc.build) && svc.build.target !== undefined && svc.build.target !== 'app') problems.push(`${name}: build target must be the app stage, got "${String(svc.build.target)}"`);
    }
    if (!hasHealthcheck(svc)) problems.push(`${name}: no healthcheck`);
    else if (!healthcheckText(svc).includes('/health')) problems.push(`${name}: healthcheck does not call /health`);
    if (svc.restart !== 'unless-stopped' && svc.restart !== 'always') problems.push(`${name}: restart must be unless-stopped, got "${String(svc.restart ?? '')}"`);

    const env = environmentOf(svc);
    const declared = new Set(declaredVariables(def.configClass));
    for (const variable of requiredVariables(def.configClass)) {
      if (!(variable in env)) problems.push(`${name}: required variable ${variable} is missing from its environment`);
    }
    for (const variable of Object.keys(env)) {
      if (variable === 'NODE_OPTIONS') continue;
      if (!declared.has(variable) && !EXTRA_ALLOWED_VARIABLES.includes(variable)) problems.push(`${name}: ${variable} is not a variable of its config class`);
    }
    const nodeOptions = SERVICES.find((s) => s.name === name)?.nodeOptions;
    if (env.NODE_OPTIONS !== nodeOptions) problems.push(`${name}: NODE_OPTIONS must be the nodeOptions of deploy/services.json (${nodeOptions ?? 'none'}), got "${env.NODE_OPTIONS ?? ''}"`);
    if (env.PORT !== defaultPort) problems.push(`${name}: PORT must be ${defaultPort} (DESIGN §2), got "${env.PORT ?? ''}"`);
    for (const secret of SECRET_VARIABLES) {
      if (secret in env && !new RegExp(`^\\$\\{${secret}:\\?[^}]*\\}$`).test(env[secret])) {
        problems.push(`${name}: ${secret} must come from the environment as \${${secret}:?message}, not a value in the file`);
      }
    }
    if ('KAFKA_BROKERS' in env && !env.KAFKA_BROKERS.split(',').every((b) => b.trim().startsWith('kafka:'))) {
      problems.push(`${name}: KAFKA_BROKERS must point at the kafka service, got "${env.KAFKA_BROKERS}"`);
    }
    if ('DATABASE_URL' in env) {
      if (hostOf(env.DATABASE_URL) !== 'postgres') problems.push(`${name}: DATABASE_URL must point at the postgres service`);
      else if (migrateDatabaseUrl !== undefined && env.DATABASE_URL !== migrateDatabaseUrl) problems.push(`${name}: DATABASE_URL differs from the one migrate migrates`);
    }

    const deps = dependsOnOf(svc);
    if (deps.kafka !== 'service_healthy') problems.push(`${name}: must depend on kafka being service_healthy`);
    if (deps.postgres !== 'service_healthy') problems.push(`${name}: must depend on postgres being service_healthy`);
    if (deps.migrate !== 'service_completed_successfully') problems.push(`${name}: must depend on migrate being service_completed_successfully`);
  }

  // The public origin.
  const proxy = service('proxy');
  if (!proxy) {
    problems.push('proxy: no compose service');
  } else {
    if (!/^nginx:[\w.-]+$/.test(String(proxy.image ?? ''))) problems.push(`proxy: image must be the official nginx, got ${String(proxy.image)}`);
    if (!portsOf(proxy).some((p) => p.published === String(PROXY_PORT) && p.target === String(PROXY_PORT))) problems.push(`proxy: must publish ${PROXY_PORT}:${PROXY_PORT}`);
    const volumes = Array.isArray(proxy.volumes) ? proxy.volumes.map((v) => (isObject(v) ? `${String(v.source)}:${String(v.target)}` : String(v))) : [];
    if (!volumes.some((v) => /^\.\/deploy\/proxy\/nginx\.conf:\/etc\/nginx\/nginx\.conf(:ro)?$/.test(v))) problems.push('proxy: must mount ./deploy/proxy/nginx.conf as /etc/nginx/nginx.conf');
    if (!hasHealthcheck(proxy)) problems.push('proxy: no healthcheck');
    const deps = dependsOnOf(proxy);
    for (const def of definitions) {
      if (service(def.service) && deps[def.service] !== 'service_healthy') problems.push(`proxy: must depend on ${def.service} being service_healthy`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------
// nginx.conf: a small parser (directives and blocks) and location matching as nginx does it for prefix/exact locations.

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
}

export function parseNginx(text: string): NginxDirective[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '{' || c === '}' || c === ';') tokens.push(text[i++]);
    else if (c === '"' || c === "'") {
      let s = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        s += text[i++];
      }
      i++;
      tokens.push(`\u0000${s}`); // marks a quoted word (never a brace)
    } else {
      let s = '';
      while (i < text.length && !/[\s;{}]/.test(text[i])) {
        if (text[i] === '$' && text[i + 1] === '{') {
          const end = text.indexOf('}', i);
          s += text.slice(i, end + 1);
          i = end + 1;
        } else s += text[i++];
      }
      tokens.push(s);
    }
  }
  let pos = 0;
  const word = (t: string) => (t.startsWith('\u0000') ? t.slice(1) : t);
  const block = (): NginxDirective[] => {
    const out: NginxDirective[] = [];
    while (pos < tokens.length && tokens[pos] !== '}') {
      const name = word(tokens[pos++]);
      const args: string[] = [];
      while (pos < tokens.length && tokens[pos] !== ';' && tokens[pos] !== '{') args.push(word(tokens[pos++]));
      if (tokens[pos] === '{') {
        pos++;
        out.push({ name, args, block: block() });
        if (tokens[pos++] !== '}') throw new Error(`nginx.conf: unclosed block ${name}`);
      } else {
        if (tokens[pos++] !== ';') throw new Error(`nginx.conf: directive ${name} is not terminated by ;`);
        out.push({ name, args });
      }
    }
    return out;
  };
  const result = block();
  if (pos < tokens.length) throw new Error('nginx.conf: unbalanced }');
  return result;
}

/** What nginx would do with a request for `uri` on the server listening on `port`. */
export interface NginxRoute {
  location?: string;
  /** host:port after resolving `set $var` or the upstream group (undefined when the location does not proxy). */
  upstream?: string;
  /** The directives of the upstream group proxy_pass names, if it names one. */
  group?: NginxDirective[];
  /** Effective value of a directive (the innermost level that sets it). */
  effective(name: string): string[] | undefined;
  /** Effective proxy_set_header map (nginx: only the innermost level that has any proxy_set_header counts). */
  headers: Record<string, string>;
}

export function routeNginx(conf: NginxDirective[], port: number, uri: string): NginxRoute | undefined {
  const http = conf.find((d) => d.name === 'http')?.block ?? [];
  const server = http.find((d) => d.name === 'server' && d.block?.some((l) => l.name === 'listen' && l.args[0]?.split(':').pop() === String(port)))?.block;
  if (!server) return undefined;
  const locations = server.filter((d) => d.name === 'location' && d.block);
  const exact = locations.find((l) => l.args[0] === '=' && l.args[1] === uri);
  const prefixes = locations
    .filter((l) => l.args.length === 1 || l.args[0] === '^~')
    .map((l) => ({ l, path: l.args[l.args.length - 1] }))
    .filter(({ path: p }) => uri.startsWith(p))
    .sort((a, b) => b.path.length - a.path.length);
  const location = exact ?? prefixes[0]?.l;
  const levels = [http, server, ...(location?.block ? [location.block] : [])];
  const effective = (name: string): string[] | undefined => {
    for (const level of [...levels].reverse()) {
      const d = level.filter((x) => x.name === name);
      if (d.length) return d[d.length - 1].args;
    }
    return undefined;
  };
  const headers: Record<string, string> = {};
  for (const level of [...levels].reverse()) {
    const set = level.filter((x) => x.name === 'proxy_set_header');
    if (set.length) {
      for (const h of set) headers[h.args[0].toLowerCase()] = h.args[1] ?? '';
      break;
    }
  }
  let upstream: string | undefined;
  let group: NginxDirective[] | undefined;
  const proxyPass = effective('proxy_pass')?.[0];
  if (proxyPass && location?.block?.some((d) => d.name === 'proxy_pass')) {
    const target = proxyPass
      .replace(/^https?:\/\//, '')
      .replace(/\$\{?(\w+)\}?/g, (_m, v: string) => {
        const set = levels.flatMap((l) => l.filter((d) => d.name === 'set' && d.args[0] === `$${v}`)).pop();
        return set?.args[1] ?? `$${v}`;
      })
      .replace(/\/.*$/, '');
    // An upstream group of that name (nginx looks for one before treating the name as a host).
    group = http.find((d) => d.name === 'upstream' && d.args[0] === target)?.block;
    upstream = group ? group.find((d) => d.name === 'server')?.args[0] : target;
  }
  return { location: location ? location.args.join(' ') : undefined, upstream, group, effective, headers };
}

/** Problems of the proxy configuration against DESIGN §2 and the compose services' ports; [] when it routes right. */
export function checkProxy(nginxText: string, doc: Json): string[] {
  const problems: string[] = [];
  let conf: NginxDirective[];
  try {
    conf = parseNginx(nginxText);
  } catch (err) {
    return [(err as Error).message];
  }
  const services = isObject(doc.services) ? doc.services : {};
  const portOf = (name: string) => (isObject(services[name]) ? environmentOf(services[name] as Json).PORT : undefined);
  if (!routeNginx(conf, PROXY_PORT, '/')) return [`nginx.conf: no server listens on ${PROXY_PORT}`];
  const http = conf.find((d) => d.name === 'http')?.block ?? [];
  const server = http.find((d) => d.name === 'server')?.block ?? [];
  if (server.some((d) => d.name === 'location' && (d.args[0] === '~' || d.args[0] === '~*'))) {
    problems.push('nginx.conf: regex locations are not simulated by this check; extend routeNginx first');
  }

  for (const { prefix, service } of PUBLIC_ROUTES) {
    const expected = `${service}:${portOf(service) ?? '?'}`;
    for (const uri of [prefix, `${prefix}x/y`]) {
      const route = routeNginx(conf, PROXY_PORT, uri)!;
      if (route.upstream !== expected) problems.push(`nginx.conf: ${uri} goes to ${route.upstream ?? 'no upstream'}, expected ${expected}`);
    }
  }
  for (const uri of ['/', '/metrics', '/health', '/webhooks/unknown/1']) {
    const route = routeNginx(conf, PROXY_PORT, uri)!;
    if (route.upstream) problems.push(`nginx.conf: ${uri} must not be proxied (goes to ${route.upstream})`);
  }

  const events = routeNginx(conf, PROXY_PORT, '/api/v1/events')!;
  if (events.effective('proxy_buffering')?.[0] !== 'off') problems.push('nginx.conf: /api/v1/events (SSE) needs proxy_buffering off');
  const readTimeout = events.effective('proxy_read_timeout')?.[0] ?? '60s';
  if (toSeconds(readTimeout) < 300) problems.push(`nginx.conf: /api/v1/events (SSE) needs a long proxy_read_timeout, got ${readTimeout}`);

  for (const uri of ['/widget/ws', '/widget/']) {
    const widget = routeNginx(conf, PROXY_PORT, uri)!;
    if (widget.effective('proxy_http_version')?.[0] !== '1.1') problems.push(`nginx.conf: ${uri} needs proxy_http_version 1.1 for WebSocket`);
    if (widget.headers.upgrade !== '$http_upgrade') problems.push(`nginx.conf: ${uri} does not forward the Upgrade header`);
    if (!['$connection_upgrade', 'upgrade'].includes(widget.headers.connection ?? '')) problems.push(`nginx.conf: ${uri} does not forward Connection: upgrade`);
  }

  for (const { prefix } of PUBLIC_ROUTES) {
    const route = routeNginx(conf, PROXY_PORT, `${prefix}x`)!;
    const size = route.effective('client_max_body_size')?.[0];
    if (!size) problems.push(`nginx.conf: ${prefix} has no client_max_body_size (DESIGN §8 body limits)`);
    else if (toBytes(size) === 0 || toBytes(size) > 16 * 1024 * 1024) problems.push(`nginx.conf: ${prefix} client_max_body_size ${size} is unlimited or too large`);
    for (const header of ['host', 'x-forwarded-for', 'x-forwarded-proto']) {
      if (!route.headers[header]) problems.push(`nginx.conf: ${prefix} does not set ${header}`);
    }
    if (route.upstream) problems.push(...connectionReuseProblems(prefix, route));
  }
  return problems;
}

/**
 * A route keeps its connections to the app open between requests: an upstream group with `keepalive` (a proxy_pass
 * to a variable or a host opens a new one per request), HTTP/1.1 and no `Connection: close` sent to the app — and
 * the group's name looked up again while nginx runs (`zone` + `resolve`), so a recreated container is found.
 */
function connectionReuseProblems(prefix: string, route: NginxRoute): string[] {
  if (!route.group) return [`nginx.conf: ${prefix} proxies to ${route.effective('proxy_pass')?.[0] ?? 'nothing'}, not to an upstream group with keepalive (a new connection to the app per request)`];
  const problems: string[] = [];
  if (!route.group.some((d) => d.name === 'keepalive' && Number(d.args[0]) > 0)) problems.push(`nginx.conf: ${prefix} upstream group has no keepalive (a new connection to the app per request)`);
  if (!route.group.some((d) => d.name === 'zone') || !route.group.some((d) => d.name === 'server' && d.args.includes('resolve'))) problems.push(`nginx.conf: ${prefix} upstream group is not re-resolved at run time (zone + server … resolve)`);
  if (route.effective('proxy_http_version')?.[0] !== '1.1') problems.push(`nginx.conf: ${prefix} needs proxy_http_version 1.1 to keep connections to the app`);
  if (!['', '$connection_upgrade'].includes(route.headers.connection ?? 'close')) problems.push(`nginx.conf: ${prefix} sends Connection: ${route.headers.connection ?? 'close'} to the app, which closes the connection after each request`);
  return problems;
}

function toSeconds(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) return 0;
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, d: n * 86400 }[m[2] ?? 's'] ?? n;
}

function toBytes(v: string): number {
  const m = /^(\d+)([kKmMgG])?$/.exec(v);
  if (!m) return 0;
  const n = Number(m[1]);
  return n * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1);
}

// ---------------------------------------------------------------------------------------------------------------------

/** A deep copy without YAML alias sharing, so a mutation touches one service only. */
function copy(doc: Json): Json {
  return JSON.parse(JSON.stringify(doc)) as Json;
}
function svc(doc: Json, name: string): Json {
  return (doc.services as Json)[name] as Json;
}

describe('docker-compose.yml', () => {
  const doc = loadCompose();

  it('is consistent with the eight apps, Kafka, Postgres, migrate and the proxy', () => {
    expect(checkCompose(doc, DEFINITIONS)).toEqual([]);
  });

  it('covers every app of DESIGN §2 with its port', () => {
    expect(DEFINITIONS.map((d) => [d.service, String((new d.configClass() as { PORT: number }).PORT)])).toEqual([
      ['api', '3000'],
      ['connector-telegram', '3101'],
      ['connector-whatsapp', '3102'],
      ['connector-vk', '3103'],
      ['connector-avito', '3104'],
      ['connector-widget', '3105'],
      ['lead-routing', '3201'],
      ['integrations', '3202'],
    ]);
    for (const def of DEFINITIONS) {
      const env = environmentOf(svc(doc, def.service));
      for (const variable of requiredVariables(def.configClass)) expect(env).toHaveProperty(variable);
    }
  });

  it('runs the Kafka version the tests verify (the one the test infra provisions from deploy/kafka/pom.xml)', () => {
    expect(svc(doc, 'kafka').image).toBe(`apache/kafka:${pinnedKafkaVersion()}`);
  });

  it('refuses to start without the secrets and keeps them out of the file', () => {
    const text = fs.readFileSync(COMPOSE_FILE, 'utf8');
    expect(text).toMatch(/\$\{SECRETS_KEY:\?[^}]+\}/);
    expect(text).toMatch(/\$\{AUTH_JWT_SECRET:\?[^}]+\}/);
    expect(environmentOf(svc(doc, 'api')).AUTH_JWT_SECRET).toMatch(/^\$\{AUTH_JWT_SECRET:\?/);
  });

  describe('checkCompose reports exactly the problem planted in a copy', () => {
    it('an app without healthcheck', () => {
      const bad = copy(doc);
      delete svc(bad, 'connector-vk').healthcheck;
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['connector-vk: no healthcheck']);
    });

    it('a required variable removed', () => {
      const bad = copy(doc);
      // (SECRETS_KEY is no longer required on its own: SECRETS_KEYS may replace it, docs/secrets.md.)
      delete (svc(bad, 'api').environment as Json).AUTH_JWT_SECRET;
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['api: required variable AUTH_JWT_SECRET is missing from its environment']);
    });

    it('an app missing (and so no longer behind the proxy)', () => {
      const bad = copy(doc);
      delete (bad.services as Json)['lead-routing'];
      delete (svc(bad, 'proxy').depends_on as Json)['lead-routing'];
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['lead-routing: no compose service']);
    });

    it('a dependency on a service that does not exist', () => {
      const bad = copy(doc);
      delete (bad.services as Json)['lead-routing'];
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['proxy: depends_on unknown service lead-routing', 'lead-routing: no compose service']);
    });

    it('a wrong port', () => {
      const bad = copy(doc);
      (svc(bad, 'connector-widget').environment as Json).PORT = '3000';
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['connector-widget: PORT must be 3105 (DESIGN §2), got "3000"']);
    });

    it('a wrong APP build arg', () => {
      const bad = copy(doc);
      ((svc(bad, 'connector-avito').build as Json).args as Json).APP = 'connector-vk';
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['connector-avito: build arg APP must be "connector-avito", got "connector-vk"']);
    });

    it('a variable the config class does not declare', () => {
      const bad = copy(doc);
      (svc(bad, 'lead-routing').environment as Json).SECRETS_KEY = '${SECRETS_KEY:?required}';
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['lead-routing: SECRETS_KEY is not a variable of its config class']);
    });

    it('node flags other than the ones deploy/services.json gives the app', () => {
      const bad = copy(doc);
      delete (svc(bad, 'connector-whatsapp').environment as Json).NODE_OPTIONS;
      (svc(bad, 'api').environment as Json).NODE_OPTIONS = '--max-old-space-size=64';
      expect(checkCompose(bad, DEFINITIONS)).toEqual([
        'api: NODE_OPTIONS must be the nodeOptions of deploy/services.json (none), got "--max-old-space-size=64"',
        'connector-whatsapp: NODE_OPTIONS must be the nodeOptions of deploy/services.json (--max-semi-space-size=4), got ""',
      ]);
    });

    it('a secret written into the file', () => {
      const bad = copy(doc);
      (svc(bad, 'api').environment as Json).AUTH_JWT_SECRET = 'a-hardcoded-secret-value';
      expect(checkCompose(bad, DEFINITIONS)).toEqual([
        'api: AUTH_JWT_SECRET must come from the environment as ${AUTH_JWT_SECRET:?message}, not a value in the file',
      ]);
    });

    it('an app that does not wait for the migrations', () => {
      const bad = copy(doc);
      delete (svc(bad, 'connector-telegram').depends_on as Json).migrate;
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['connector-telegram: must depend on migrate being service_completed_successfully']);
    });

    it('Kafka from an unofficial image without volume', () => {
      const bad = copy(doc);
      svc(bad, 'kafka').image = 'bitnami/kafka:4.0';
      delete svc(bad, 'kafka').volumes;
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['kafka: image must be the official apache/kafka:4.x, got bitnami/kafka:4.0', 'kafka: no data volume']);
    });

    it('Postgres without healthcheck', () => {
      const bad = copy(doc);
      delete svc(bad, 'postgres').healthcheck;
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['postgres: no healthcheck']);
    });

    it('the proxy on another port', () => {
      const bad = copy(doc);
      svc(bad, 'proxy').ports = ['80:8080'];
      expect(checkCompose(bad, DEFINITIONS)).toEqual(['proxy: must publish 8080:8080']);
    });
  });
});

describe('deploy/proxy/nginx.conf', () => {
  const doc = loadCompose();
  const text = fs.readFileSync(NGINX_FILE, 'utf8');
  const conf = parseNginx(text);

  it('routes every public prefix of DESIGN §2 to its app and nothing else', () => {
    expect(checkProxy(text, doc)).toEqual([]);
    expect(routeNginx(conf, PROXY_PORT, '/api/v1/channels')?.upstream).toBe('api:3000');
    expect(routeNginx(conf, PROXY_PORT, '/webhooks/avito/ch-1/secret')?.upstream).toBe('connector-avito:3104');
    expect(routeNginx(conf, PROXY_PORT, '/widget/widget.js')?.upstream).toBe('connector-widget:3105');
    expect(routeNginx(conf, PROXY_PORT, '/api/v1/events')?.location).toBe('^~ /api/v1/events');
  });

  it('passes paths through unchanged (proxy_pass without a URI part)', () => {
    for (const { prefix } of PUBLIC_ROUTES) {
      const pass = routeNginx(conf, PROXY_PORT, `${prefix}x`)?.effective('proxy_pass')?.[0] ?? '';
      expect(pass).toMatch(/^http:\/\/\w+$/);
    }
  });

  describe('checkProxy reports exactly the problem planted in a copy', () => {
    it('a prefix routed to the wrong app', () => {
      const bad = text.replace('server connector-widget:3105 resolve;', 'server connector-vk:3103 resolve;');
      expect(checkProxy(bad, doc)).toEqual([
        'nginx.conf: /widget/ goes to connector-vk:3103, expected connector-widget:3105',
        'nginx.conf: /widget/x/y goes to connector-vk:3103, expected connector-widget:3105',
      ]);
    });

    it('SSE buffered', () => {
      const bad = text.replace(/(location \^~ \/api\/v1\/events \{[^}]*?)proxy_buffering off;/, '$1');
      expect(bad).not.toBe(text);
      expect(checkProxy(bad, doc)).toEqual(['nginx.conf: /api/v1/events (SSE) needs proxy_buffering off']);
    });

    it('a location that sets its own headers and so loses the WebSocket upgrade', () => {
      const bad = text.replace('proxy_pass http://connector_widget;', 'proxy_pass http://connector_widget;\n proxy_set_header Host $host;');
      expect(checkProxy(bad, doc)).toEqual(
        expect.arrayContaining(['nginx.conf: /widget/ws does not forward the Upgrade header', 'nginx.conf: /widget/ does not set x-forwarded-for']),
      );
    });

    it('a missing prefix', () => {
      const bad = text.replace(/location \/webhooks\/vk\/ \{[^}]*\}/, '');
      expect(checkProxy(bad, doc)).toEqual([
        'nginx.conf: /webhooks/vk/ goes to no upstream, expected connector-vk:3103',
        'nginx.conf: /webhooks/vk/x/y goes to no upstream, expected connector-vk:3103',
      ]);
    });

    it('a route proxied to a variable: the per-request lookup that opened a new connection to the app for every request', () => {
      const bad = text.replace('proxy_pass http://connector_vk;', 'set $upstream_connector_vk connector-vk:3103;\n            proxy_pass http://$upstream_connector_vk;');
      expect(checkProxy(bad, doc)).toEqual(['nginx.conf: /webhooks/vk/ proxies to http://$upstream_connector_vk, not to an upstream group with keepalive (a new connection to the app per request)']);
    });

    it('an upstream group without keepalive, or looked up only at start', () => {
      const group = /upstream connector_avito \{[^}]*\}/;
      const noKeepalive = text.replace(group, (g) => g.replace(/keepalive \d+;/, ''));
      expect(checkProxy(noKeepalive, doc)).toEqual(['nginx.conf: /webhooks/avito/ upstream group has no keepalive (a new connection to the app per request)']);
      const resolvedOnce = text.replace(group, (g) => g.replace(' resolve;', ';'));
      expect(checkProxy(resolvedOnce, doc)).toEqual(['nginx.conf: /webhooks/avito/ upstream group is not re-resolved at run time (zone + server … resolve)']);
    });

    it('Connection: close sent to the app', () => {
      const bad = text.replace('proxy_set_header Connection $connection_upgrade;', 'proxy_set_header Connection close;');
      expect(checkProxy(bad, doc)).toEqual(expect.arrayContaining(['nginx.conf: /webhooks/telegram/ sends Connection: close to the app, which closes the connection after each request']));
    });
  });
});

describe('deploy/services.json is the one list of deployables', () => {
  const generator = 'node tools/build.js && node dist/tools/deploy/generate.js';

  it('lists every app under apps/ (and nothing else), each with the port of its config class', () => {
    const apps = fs.readdirSync(path.join(ROOT, 'apps')).filter((d) => fs.existsSync(path.join(ROOT, 'apps', d, 'src/main.ts')));
    expect(SERVICES.map((s) => s.name).sort()).toEqual(apps.sort());
    for (const [i, s] of SERVICES.entries()) expect([s.name, String((new DEFINITIONS[i].configClass() as { PORT?: unknown }).PORT)]).toEqual([s.name, String(s.port)]);
  });

  it(`docker-compose.yml and nginx.conf are what it renders (else run: ${generator})`, () => {
    const compose = fs.readFileSync(COMPOSE_FILE, 'utf8');
    const nginx = fs.readFileSync(NGINX_FILE, 'utf8');
    expect(replaceGenerated(compose, renderComposeServices(SERVICES, DEFINITIONS))).toBe(compose);
    expect(replaceGenerated(nginx, renderNginxLocations(SERVICES))).toBe(nginx);
    expect(replaceGenerated(nginx, renderNginxUpstreams(SERVICES), { begin: UPSTREAMS_BEGIN, end: UPSTREAMS_END })).toBe(nginx);
  });

  it('a new connector is one entry: it gets its compose service, a place in the proxy dependencies and its route', () => {
    const extra = { name: 'connector-max', port: 3106, routes: ['/webhooks/max/'], env: ['MAX_API_URL'] };
    const definition = { service: 'connector-max', configClass: class MaxConfig { PORT = 3106; SECRETS_KEY?: string; MAX_API_URL = 'https://botapi.max.ru' } };
    const compose = renderComposeServices([...SERVICES, extra], [...DEFINITIONS, definition]);
    expect(compose).toContain('  connector-max:\n    <<: *app');
    expect(compose).toContain('      MAX_API_URL: ${MAX_API_URL:-https://botapi.max.ru}');
    expect(compose).toMatch(/depends_on:[\s\S]*connector-max:\n {8}condition: service_healthy/);
    const doc = loadCompose(replaceGenerated(fs.readFileSync(COMPOSE_FILE, 'utf8'), compose));
    const withLocations = replaceGenerated(fs.readFileSync(NGINX_FILE, 'utf8'), renderNginxLocations([...SERVICES, extra]));
    const nginx = replaceGenerated(withLocations, renderNginxUpstreams([...SERVICES, extra]), { begin: UPSTREAMS_BEGIN, end: UPSTREAMS_END });
    expect(routeNginx(parseNginx(nginx), PROXY_PORT, '/webhooks/max/c-1')?.upstream).toBe('connector-max:3106');
    expect(checkProxy(nginx, doc)).toEqual([]);
  });

  it('refuses a file without its generated region', () => {
    expect(() => replaceGenerated('services:\n  api: {}\n', 'x')).toThrow(GENERATED_BEGIN);
    expect(replaceGenerated(`a\n  ${GENERATED_BEGIN}\n  old\n  ${GENERATED_END}\nb\n`, '  new')).toBe(`a\n  ${GENERATED_BEGIN}\n  new\n  ${GENERATED_END}\nb\n`);
    const markers = { begin: UPSTREAMS_BEGIN, end: UPSTREAMS_END };
    const two = `${UPSTREAMS_BEGIN}\nu\n${UPSTREAMS_END}\n${GENERATED_BEGIN}\nl\n${GENERATED_END}\n`;
    expect(replaceGenerated(replaceGenerated(two, 'U', markers), 'L')).toBe(`${UPSTREAMS_BEGIN}\nU\n${UPSTREAMS_END}\n${GENERATED_BEGIN}\nL\n${GENERATED_END}\n`);
    expect(() => replaceGenerated(`${GENERATED_BEGIN}\n${GENERATED_END}\n`, 'x', markers)).toThrow(UPSTREAMS_BEGIN);
  });
});
