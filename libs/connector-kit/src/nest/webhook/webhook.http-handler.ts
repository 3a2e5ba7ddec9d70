import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { type Histogram, register } from 'prom-client';
import { HEADER_CORRELATION_ID } from '@crm/contracts';
import { ErrorCode } from '@crm/domain';
import { LOGGER } from '@crm/service-kit';
import type { ConnectorChannel } from '../../ports/channel-state.port';
import type { WebhookPort, WebhookResponse } from '../../ports/webhook.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { connectorMetrics } from '../metrics';
import { KIT_OPTIONS, WEBHOOK_PORT } from '../tokens';
import { ReceiveWebhookUseCase } from './receive-webhook.usecase';

/** Default body limit of a webhook call (platform payloads are a few kilobytes). */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * `/webhooks/<type>/:channelId[/…]`, served straight from the HTTP server in front of Express: the hot path of every
 * connector (platforms wait for each answer), where Express routing, body parsing and Nest's pipeline cost more CPU
 * than the ingestion behind them. It reads the raw body (kept for signatures; over the limit → 413), translates the
 * call into a WebhookRequest for ReceiveWebhookUseCase and writes its answer. Every other request (health, metrics,
 * other methods) goes on to Express untouched; the call lands in `crm_http_request_duration_seconds` like any route,
 * and in a debug line whose path ends at the channel id: the segments after it (Avito's hook secret) and the query
 * (WhatsApp's verify token) are secret in general, so they are never logged.
 */
@Injectable()
export class WebhookHttpHandler<S extends ConnectorChannel = ConnectorChannel> {
  private readonly path: RegExp;
  private readonly route: string;
  private readonly methods: ReadonlySet<string>;
  private readonly bodyLimit: number;

  constructor(
    private readonly receive: ReceiveWebhookUseCase<S>,
    @Inject(WEBHOOK_PORT) port: WebhookPort<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.path = new RegExp(`^/webhooks/${options.channelType}/([^/?#]+)((?:/[^/?#]+)*)/?(?:\\?(.*))?$`);
    this.route = `/webhooks/${options.channelType}/:channelId`;
    this.methods = new Set((port.methods ?? ['POST']).map((m) => m.toUpperCase()));
    this.bodyLimit = port.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  }

  /** Puts the handler in front of the server's existing request listeners (Express). */
  attach(server: Server): void {
    const next = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const match = this.methods.has(req.method ?? '') ? this.path.exec(req.url ?? '') : null;
      if (!match) {
        for (const listener of next) listener(req, res);
        return;
      }
      const rest = (match[2] ?? '').split('/').filter(Boolean).map(safeDecode);
      void this.handle(req, res, safeDecode(match[1]), rest, new URLSearchParams(match[3] ?? ''));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, channelId: string, rest: string[], query: URLSearchParams): Promise<void> {
    const started = process.hrtime.bigint();
    res.once('finish', () => this.observe(req.method ?? 'POST', res.statusCode, started, { channelId, secretSegments: rest.length }));
    const rawBody = await readBody(req, this.bodyLimit);
    if (rawBody === TOO_LARGE) {
      connectorMetrics.webhookCalls.inc({ channel_type: this.options.channelType, outcome: 'too-large' });
      return answer(res, { status: 413, body: { statusCode: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'request body is too large' } });
    }
    try {
      const correlation = req.headers[HEADER_CORRELATION_ID];
      const response = await this.receive.execute({
        method: (req.method ?? 'POST').toUpperCase(),
        channelId,
        rest,
        query,
        headers: req.headers,
        rawBody,
        correlationId: typeof correlation === 'string' ? correlation : undefined,
      });
      answer(res, response);
    } catch (err) {
      connectorMetrics.webhookCalls.inc({ channel_type: this.options.channelType, outcome: 'failed' });
      this.logger.error({ channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'webhook call failed');
      answer(res, { status: 500, body: { statusCode: 500, code: ErrorCode.INTERNAL, message: 'internal error' } });
    }
  }

  private observe(method: string, status: number, started: bigint, call: { channelId: string; secretSegments: number }): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const histogram = register.getSingleMetric('crm_http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'> | undefined;
    histogram?.observe({ method, route: this.route, status: String(status) }, seconds);
    if (!this.logger.isLevelEnabled('debug')) return;
    const path = `/webhooks/${this.options.channelType}/${encodeURIComponent(call.channelId)}${call.secretSegments ? '/[redacted]' : ''}`;
    this.logger.debug({ channelId: call.channelId, method, path, status, durationMs: Math.round(seconds * 1000) }, 'webhook call answered');
  }
}

const TOO_LARGE = Symbol('too large');

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length']) > limit) {
      req.resume();
      return resolve(TOO_LARGE);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? TOO_LARGE : Buffer.concat(chunks, size)));
    req.on('error', () => resolve(Buffer.alloc(0)));
  });
}

function answer(res: ServerResponse, response: WebhookResponse): void {
  if (res.headersSent) return;
  const body = response.body === undefined ? { ok: true } : response.body;
  const isText = typeof body === 'string' || Buffer.isBuffer(body);
  const payload = isText ? Buffer.from(body as string | Buffer) : Buffer.from(JSON.stringify(body));
  const contentType = response.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  res.writeHead(response.status, { 'content-type': contentType, 'content-length': payload.length });
  res.end(payload);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
