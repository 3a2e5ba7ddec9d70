// Renders the parts of docker-compose.yml and deploy/proxy/nginx.conf that repeat the list of deployables, from
// deploy/services.json (and each app's config class for its variables). Pure functions: tools/deploy/generate.ts
// writes the files, deploy/compose.spec.ts fails when the files differ from what these render.
import { join } from 'node:path';
import { declaredVariables } from '@crm/config';
import type { ServiceEntry } from './service-catalog';

/** What the renderers need of an app's ServiceDefinition: its config class (variables and their defaults). */
export interface AppDefinition {
  service: string;
  configClass: new () => object;
}

export const GENERATED_BEGIN = '# >>> generated from deploy/services.json by tools/deploy/generate.ts — do not edit by hand';
export const GENERATED_END = '# <<< generated';

/** Shared values with an anchor in docker-compose.yml (secrets must come from .env). */
const ANCHORED: ReadonlyArray<[string, string]> = [
  ['SECRETS_KEY', '*secrets-key'],
  ['AUTH_JWT_SECRET', '*auth-jwt-secret'],
  ['PUBLIC_URL', '*public-url'],
];

/** The ServiceDefinition of every app of the list (apps/<name>/src/<name>.service-definition, as the Dockerfile finds it). */
export function loadDefinitions(services: readonly ServiceEntry[], appsDir = join(__dirname, '../../apps')): AppDefinition[] {
  return services.map((s) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(appsDir, s.name, 'src', `${s.name}.service-definition`)) as Record<string, unknown>;
    const def = Object.values(mod).find((v): v is AppDefinition => typeof v === 'object' && v !== null && typeof (v as AppDefinition).configClass === 'function');
    if (!def) throw new Error(`apps/${s.name}/src/${s.name}.service-definition exports no ServiceDefinition`);
    return def;
  });
}

/** The compose services of the apps and the proxy (indented for the `services:` map). */
export function renderComposeServices(services: readonly ServiceEntry[], definitions: readonly AppDefinition[]): string {
  const byName = new Map(definitions.map((d) => [d.service, d]));
  const apps = services.map((s) => composeApp(s, byName.get(s.name)));
  const proxy = [
    '  proxy:',
    '    # 1.27.3 or later: deploy/proxy/nginx.conf re-resolves its upstream groups (server … resolve).',
    '    image: nginx:1.27.5-alpine',
    '    restart: unless-stopped',
    '    ports:',
    '      - "8080:8080"',
    '    volumes:',
    '      - ./deploy/proxy/nginx.conf:/etc/nginx/nginx.conf:ro',
    '    depends_on:',
    ...services.flatMap((s) => [`      ${s.name}:`, '        condition: service_healthy']),
    '    healthcheck:',
    '      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/healthz"]',
    '      interval: 10s',
    '      timeout: 5s',
    '      retries: 3',
    '    logging: *logging',
  ].join('\n');
  return [...apps, '  # The public origin (PUBLIC_URL): routes of deploy/services.json, see deploy/proxy/nginx.conf.', proxy].join('\n\n');
}

function composeApp(s: ServiceEntry, def: AppDefinition | undefined): string {
  if (!def) throw new Error(`${s.name}: no ServiceDefinition`);
  const defaults = new def.configClass() as Record<string, unknown>;
  const declared = new Set(declaredVariables(def.configClass));
  const env = [
    '      <<: *base-env',
    `      PORT: "${s.port}"`,
    ...(s.nodeOptions ? [`      NODE_OPTIONS: "${s.nodeOptions}"`] : []),
    ...ANCHORED.filter(([name]) => declared.has(name)).map(([name, anchor]) => `      ${name}: ${anchor}`),
    ...(s.env ?? []).map((name) => `      ${name}: \${${name}:-${defaults[name] === undefined ? '' : String(defaults[name])}}`),
  ];
  return [
    `  ${s.name}:`,
    '    <<: *app',
    '    build:',
    '      context: .',
    '      dockerfile: Dockerfile',
    '      args:',
    `        APP: ${s.name}`,
    `        PORT: "${s.port}"`,
    `    image: crm-channels/${s.name}:\${CRM_TAG:-local}`,
    '    environment:',
    ...env,
  ].join('\n');
}

/** The markers of the upstream region of nginx.conf (in the `http` block, where upstream groups live). */
export const UPSTREAMS_BEGIN = '# >>> upstreams generated from deploy/services.json by tools/deploy/generate.ts — do not edit by hand';
export const UPSTREAMS_END = '# <<< upstreams generated';

/** Idle connections each nginx worker keeps open to one app (nginx `keepalive`). */
export const NGINX_UPSTREAM_KEEPALIVE = 64;

/** The upstream group name of a service (`connector-vk` → `connector_vk`). */
export function nginxUpstreamName(s: Pick<ServiceEntry, 'name'>): string {
  return s.name.replace(/-/g, '_');
}

/**
 * One upstream group per service with public routes, with idle connections kept open (`keepalive`): a `proxy_pass`
 * to a variable has no such pool, so nginx opened a new connection to the app for every request — at 1,000
 * webhooks/s, 1,000 accepts a second and a TIME_WAIT socket each on the proxy's side, enough to run a proxy host out
 * of ephemeral ports (TIME_WAIT lasts 60 s). `address` is where a service listens; `resolve` makes nginx (≥ 1.27.3) look the
 * name up again while it runs — through the http block's `resolver` — so a recreated container (new IP) is found
 * without a reload, as the per-request lookup of a variable did.
 */
export function renderNginxUpstreams(services: readonly ServiceEntry[], o: { address?: (s: ServiceEntry) => string; resolve?: boolean } = {}): string {
  const address = o.address ?? ((s: ServiceEntry) => `${s.name}:${s.port}`);
  const resolve = o.resolve ?? true;
  return services
    .filter((s) => s.routes.length > 0)
    .map((s) => {
      const name = nginxUpstreamName(s);
      return [
        `    upstream ${name} {`,
        ...(resolve ? [`        zone ${name} 64k;`] : []),
        `        server ${address(s)}${resolve ? ' resolve' : ''};`,
        `        keepalive ${NGINX_UPSTREAM_KEEPALIVE};`,
        '    }',
      ].join('\n');
    })
    .join('\n\n');
}

/** The location blocks of every public route (indented for the `server` block), each to its service's upstream group. */
export function renderNginxLocations(services: readonly ServiceEntry[]): string {
  return services
    .flatMap((s) =>
      s.routes.map((route) => {
        const lines = [`        location ${route} {`, `            proxy_pass http://${nginxUpstreamName(s)};`];
        if (s.streaming) lines.push('            proxy_buffering off;', '            proxy_read_timeout 1h;', '            proxy_send_timeout 1h;');
        return [...lines, '        }'].join('\n');
      }),
    )
    .join('\n\n');
}

/**
 * `text` with the lines between its begin and end markers (GENERATED_BEGIN and GENERATED_END unless given) replaced
 * by `block` (markers kept, with their indentation). Throws when the markers are missing.
 */
export function replaceGenerated(text: string, block: string, markers: { begin: string; end: string } = { begin: GENERATED_BEGIN, end: GENERATED_END }): string {
  const begin = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end, begin);
  if (begin < 0 || end < 0) throw new Error(`the file has no "${markers.begin}" … "${markers.end}" region`);
  const lineStart = text.lastIndexOf('\n', begin) + 1;
  const indent = text.slice(lineStart, begin);
  const endLineStart = text.lastIndexOf('\n', end) + 1;
  return `${text.slice(0, lineStart)}${indent}${markers.begin}\n${block}\n${text.slice(endLineStart)}`;
}
