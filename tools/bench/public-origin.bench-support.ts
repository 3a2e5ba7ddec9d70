// The public origin in front of a benchmarked connector, a process of its own so the load generator does not share an
// event loop with the proxy it measures.
//   - nginx when it is on PATH (BENCH_ORIGIN=nginx|node chooses): the proxy docker-compose deploys, with the upstream
//     group and location deploy/proxy/nginx.conf gets from the same renderers (tools/deploy/deploy-files.ts) —
//     connections to the connector kept open, the services' listen backlog — at 127.0.0.1 instead of a Docker name,
//     without access log, and as one process (master_process off) so its CPU is one /proc entry;
//   - else the Node gateway of `npm start` (tools/dev-stack/gateway.ts, public-origin.process.ts), which costs the
//     machine several times nginx's CPU per request — a share of the two cores the measured services then lack.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';
import { HTTP_LISTEN_BACKLOG } from '../../libs/service-kit/src/listen-backlog';
import { renderNginxLocations, renderNginxUpstreams } from '../deploy/deploy-files';
import { loadServices } from '../deploy/service-catalog';
import { startChild, startProgram } from './bench-support';

export interface PublicOrigin {
  process: ChildProcess;
  /** What serves it: "nginx 1.22.1" or "Node gateway". */
  description: string;
}

/** Starts the public origin on 127.0.0.1:`originPort`, sending `/webhooks/<type>/` to 127.0.0.1:`connectorPort`. */
export function startPublicOrigin(o: { type: string; connectorPort: number; originPort: number; workDir: string }): PublicOrigin {
  const version = process.env.BENCH_ORIGIN === 'node' ? undefined : nginxVersion();
  const choice = process.env.BENCH_ORIGIN ?? (version ? 'nginx' : 'node');
  if (choice === 'nginx') {
    if (!version) throw new Error('BENCH_ORIGIN=nginx, but nginx is not on PATH');
    const conf = join(o.workDir, 'nginx', 'nginx.conf');
    mkdirSync(join(o.workDir, 'nginx'), { recursive: true });
    writeFileSync(conf, nginxOriginConf(o));
    return { process: startProgram('public-origin', 'nginx', ['-p', join(o.workDir, 'nginx'), '-c', conf], process.env, o.workDir), description: `nginx ${version}` };
  }
  const script = join(repoRoot(), 'dist/tools/bench/public-origin.process.js');
  const env = { ...process.env, PORT: String(o.originPort), ROUTES: `/webhooks/${o.type}/=http://127.0.0.1:${o.connectorPort}` };
  return { process: startChild('public-origin', script, env, o.workDir), description: 'Node gateway (tools/dev-stack/gateway.ts)' };
}

function nginxVersion(): string | undefined {
  // nginx -v prints "nginx version: nginx/1.22.1" on stderr; no nginx on PATH → an error, no output.
  const run = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (run.error) return undefined;
  return /nginx\/([\w.]+)/.exec(`${run.stderr}${run.stdout}`)?.[1] ?? 'unknown';
}

/** The benchmark's nginx.conf: deploy/proxy/nginx.conf's proxying part for one connector, at a local address. */
export function nginxOriginConf(o: { type: string; connectorPort: number; originPort: number; workDir: string }): string {
  const service = loadServices(repoRoot()).find((s) => s.name === `connector-${o.type}`);
  if (!service) throw new Error(`connector-${o.type} is not in deploy/services.json`);
  const dir = join(o.workDir, 'nginx');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, t)};`);
  return [
    'master_process off;',
    'daemon off;',
    'worker_rlimit_nofile 65535;',
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 8192; }',
    'http {',
    '    access_log off;',
    ...temp,
    '    tcp_nodelay on;',
    '    keepalive_timeout 65s;',
    "    map $http_upgrade $connection_upgrade { default upgrade; '' ''; }",
    renderNginxUpstreams([service], { address: () => `127.0.0.1:${o.connectorPort}`, resolve: false }),
    '    server {',
    `        listen 127.0.0.1:${o.originPort} backlog=${HTTP_LISTEN_BACKLOG};`,
    '        client_max_body_size 4m;',
    '        proxy_http_version 1.1;',
    '        proxy_set_header Host $http_host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '        proxy_set_header Upgrade $http_upgrade;',
    '        proxy_set_header Connection $connection_upgrade;',
    renderNginxLocations([service]),
    '        location / { return 404; }',
    '    }',
    '}',
    '',
  ].join('\n');
}
