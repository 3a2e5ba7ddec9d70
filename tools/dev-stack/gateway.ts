import { Agent, createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { HTTP_LISTEN_BACKLOG } from '../../libs/service-kit/src/listen-backlog';

/** Starts the gateway on host:port with the services' listen queue (HTTP_LISTEN_BACKLOG); rejects on a listen error. */
export function listenGateway(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, HTTP_LISTEN_BACKLOG, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

export interface Route {
  prefix: string;
  target: string;
}

/**
 * The single public origin for local runs (the nginx of docker-compose.yml plays this role in containers):
 * longest-prefix routing, WebSocket upgrades, streaming (SSE) responses, 502 JSON when an upstream is down.
 */
export function createGateway(routes: Route[]): Server {
  const sorted = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  const proxy = createProxyServer({ xfwd: true, ws: true, proxyTimeout: 120_000 });
  // Keep-alive connections to the upstreams (http-proxy's default is a new connection, `connection: close`, per request).
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const pick = (url = '/') => sorted.find((r) => url === r.prefix.replace(/\/$/, '') || url.startsWith(r.prefix));

  proxy.on('error', (err: Error, _req: IncomingMessage, res: ServerResponse | Duplex) => {
    if (res instanceof ServerResponse) {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 502, code: 'UPSTREAM_UNAVAILABLE', message: err.message }));
      } else res.end();
    } else {
      res.destroy();
    }
  });

  const server = createServer((req, res) => {
    const route = pick(req.url);
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', message: `No service behind ${req.url}` }));
      return;
    }
    proxy.web(req, res, { target: route.target, agent });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = pick(req.url);
    if (!route) return socket.destroy();
    proxy.ws(req, socket, head, { target: route.target });
  });
  server.keepAliveTimeout = 65_000;
  server.on('close', () => agent.destroy());
  return server;
}
