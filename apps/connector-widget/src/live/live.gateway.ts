import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ErrorCode, isDomainError, localeFrom } from '@crm/domain';
import { LOGGER } from '@crm/service-kit';
import { VisitorScope } from '../conversation/visitor-conversation.port';
import { clientIp, TrustProxy } from '../http/client-ip';
import { widgetErrorBody } from '../http/widget-error.mapper';
import { AcknowledgeRepliesUseCase, MAX_ACK_IDS } from '../visitor/acknowledge-replies/acknowledge-replies.usecase';
import { RateLimits } from '../visitor/rate-limits.service';
import { ConnectVisitorUseCase } from './connect-visitor/connect-visitor.usecase';
import { LiveConnection, LiveConnections, LiveEvent } from './live-connections.registry';

/** `/widget/v1/<publicKey>/live` */
const LIVE_PATH = /^\/widget\/v1\/([A-Za-z0-9_-]{1,128})\/live$/;
/** The page must authenticate (first frame) within this time. */
export const AUTH_TIMEOUT_MS = 10_000;
/** Ping period; a page that missed one ping is dropped (it reconnects and catches up). */
export const HEARTBEAT_MS = 25_000;
/** Frames a page may send per 10 s (acks, pings). */
const FRAMES_PER_WINDOW = 60;

/** Close codes the script understands. */
export const CloseCode = {
  SessionInvalid: 4401,
  AuthTimeout: 4408,
  TooManyConnections: 4409,
  ProtocolError: 4400,
  RateLimited: 4429,
  Restart: 1012,
} as const;

interface ClientFrame {
  type?: unknown;
  token?: unknown;
  after?: unknown;
  ids?: unknown;
}

/**
 * The live channel of a visitor's page: a WebSocket on `/widget/v1/<key>/live` (through the public origin's proxy).
 * Protocol (JSON frames): page → `{type:'auth', token, after?}` first, then `{type:'ack'|'read', ids:[...]}` and
 * `{type:'ping'}`; server → `{type:'ready'}`, `{type:'catch-up', items, hasMore}`, `{type:'message', message}`,
 * `{type:'pong'}`, `{type:'error', code, message}`. The page reconnects with backoff and resumes with `after`.
 */
@Injectable()
export class LiveGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false, clientTracking: true });
  private heartbeat?: NodeJS.Timeout;
  private server?: Server;
  private trust: TrustProxy = () => false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly connect: ConnectVisitorUseCase,
    private readonly acknowledge: AcknowledgeRepliesUseCase,
    private readonly limits: RateLimits,
    private readonly connections: LiveConnections,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    const server = adapter.getHttpServer() as Server;
    this.server = server;
    const trust = (adapter.getInstance() as { get(name: string): unknown }).get('trust proxy fn');
    if (typeof trust === 'function') this.trust = trust as TrustProxy;
    server.on('upgrade', this.onUpgrade);
    // Shutdown stops HTTP first and waits for open connections; live pages would hold it for its whole grace period.
    // Closing them as soon as the server starts closing lets them reconnect to another instance right away.
    const close = server.close.bind(server);
    server.close = ((callback?: (err?: Error) => void) => {
      this.closeAll();
      return close(callback);
    }) as Server['close'];
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.closeAll();
    this.server?.off('upgrade', this.onUpgrade);
  }

  private closeAll(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.connections.closeAll(CloseCode.Restart, 'server restarting');
    for (const ws of this.wss.clients) ws.close(CloseCode.Restart, 'server restarting');
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      const state = ws as WebSocket & { alive?: boolean };
      if (state.alive === false) {
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(req, socket, head).catch((err) => {
      this.logger.error({ err }, 'live upgrade failed');
      reject(socket, 500, { statusCode: 500, code: ErrorCode.INTERNAL, message: 'internal error' });
    });
  };

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const match = LIVE_PATH.exec(path);
    const locale = localeFrom(req.headers['accept-language']);
    if (!match) {
      const { body } = widgetErrorBody({ status: 404 }, locale);
      return reject(socket, 404, body);
    }
    const publicKey = match[1];
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    try {
      this.limits.request(clientIp(req, this.trust));
      await this.connect.admit({ publicKey, origin });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      const { body, retryAfterSeconds } = widgetErrorBody(err, locale);
      return reject(socket, body.statusCode, body, retryAfterSeconds);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.session(ws, { publicKey, origin, locale }));
  }

  /** One page's connection: authenticate with the first frame, then push and take acks until it closes. */
  private session(ws: WebSocket, request: { publicKey: string; origin: string | undefined; locale: 'ru' | 'en' }): void {
    const state = ws as WebSocket & { alive?: boolean };
    state.alive = true;
    ws.on('pong', () => (state.alive = true));
    let connection: LiveConnection | undefined;
    let scope: VisitorScope | undefined;
    let authenticating = false;
    let windowStart = Date.now();
    let frames = 0;
    const acked = new Set<string>();
    const send = (event: LiveEvent | { type: 'pong' }): boolean => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(event));
      return true;
    };
    const fail = (err: unknown, closeCode: number) => {
      const { body } = widgetErrorBody(err, request.locale);
      send({ type: 'error', code: body.code, message: body.message });
      ws.close(closeCode, body.code);
    };
    const authTimer = setTimeout(() => ws.close(CloseCode.AuthTimeout, 'authentication timeout'), AUTH_TIMEOUT_MS);
    authTimer.unref();

    ws.on('close', () => {
      clearTimeout(authTimer);
      if (connection) this.connections.remove(connection);
    });
    ws.on('error', (err) => this.logger.debug({ err }, 'live connection error'));
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      state.alive = true;
      if (Date.now() - windowStart > 10_000) {
        windowStart = Date.now();
        frames = 0;
      }
      if (++frames > FRAMES_PER_WINDOW) return ws.close(CloseCode.RateLimited, 'too many frames');
      let frame: ClientFrame;
      try {
        frame = isBinary ? {} : (JSON.parse(raw.toString()) as ClientFrame);
      } catch {
        frame = {};
      }
      if (frame === null || typeof frame !== 'object') frame = {};

      if (!scope) {
        if (frame.type !== 'auth' || authenticating) return ws.close(CloseCode.ProtocolError, 'authenticate first');
        authenticating = true;
        const after = typeof frame.after === 'string' ? frame.after : undefined;
        void this.connect
          .authenticate({ publicKey: request.publicKey, origin: request.origin, token: typeof frame.token === 'string' ? frame.token : undefined, after })
          .then(async (s) => {
            clearTimeout(authTimer);
            if (ws.readyState !== WebSocket.OPEN) return;
            scope = s;
            // Registered before the catch-up query: a reply arriving meanwhile is pushed live (the page dedupes).
            connection = {
              accountId: s.accountId,
              channelId: s.channelId,
              visitorId: s.visitorId,
              openedAt: Date.now(),
              send: (event) => send(event),
              close: (code, reason) => ws.close(code, reason),
            };
            this.connections.add(connection);
            send({ type: 'ready', visitorId: s.visitorId });
            const page = await this.connect.catchUp(s, after);
            if (page) send({ type: 'catch-up', items: page.items, hasMore: page.hasMore });
          })
          .catch((err) => {
            if (!isDomainError(err)) this.logger.error({ err }, 'live authentication failed');
            fail(err, isDomainError(err) && err.code === ErrorCode.WIDGET_SESSION_INVALID ? CloseCode.SessionInvalid : CloseCode.ProtocolError);
          });
        return;
      }

      if (frame.type === 'ping') {
        send({ type: 'pong' });
        return;
      }
      if ((frame.type === 'ack' || frame.type === 'read') && Array.isArray(frame.ids)) {
        const status = frame.type === 'ack' ? 'delivered' : 'read';
        const ids = (frame.ids as unknown[])
          .slice(0, MAX_ACK_IDS)
          .filter((id): id is string => typeof id === 'string' && id.length <= 64 && !acked.has(`${status}:${id}`));
        if (ids.length === 0) return;
        // Only a dedup hint (the use-case checks the stored status): bounded, forgotten when full.
        if (acked.size > 2000) acked.clear();
        ids.forEach((id) => acked.add(`${status}:${id}`));
        void this.acknowledge
          .execute({ scope, messageIds: ids, status })
          .catch((err) => {
            // Not reported: the page sends the ids again on its next load.
            ids.forEach((id) => acked.delete(`${status}:${id}`));
            this.logger.warn({ err }, 'could not report widget delivery status');
          });
      }
    });
  }
}

/** Answers a refused upgrade with a plain HTTP response in the API's error shape. */
function reject(socket: Duplex, status: number, body: object, retryAfterSeconds?: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 429 ? 'Too Many Requests' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      (retryAfterSeconds !== undefined ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      'Connection: close\r\n\r\n' +
      json,
  );
}
