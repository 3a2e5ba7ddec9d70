import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { type Histogram, register } from 'prom-client';
import { HEADER_CORRELATION_ID } from '@crm/contracts';
import { ErrorCode } from '@crm/domain';
import { TELEGRAM_SECRET_HEADER } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { ReceiveWebhookUseCase } from '../receive-webhook/receive-webhook.usecase';

/** Telegram's updates are a few kilobytes; the same limit as every other endpoint of the service. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
const ROUTE = '/webhooks/telegram/:channelId';
const PATH = /^\/webhooks\/telegram\/([^/?#]+)\/?(?:\?.*)?$/;

/**
 * `POST /webhooks/telegram/:channelId`, served straight from the HTTP server, in front of Express: this is the hot
 * path (Telegram waits for each answer before sending the chat's next update), and on the reference machine Express
 * routing, body parsing and Nest's pipeline cost more CPU per call than the whole ingestion behind them. The handler
 * only translates the request into a ReceiveWebhookCommand and the answer back; every other request (health,
 * metrics, other methods) goes on to Express untouched. Same body limit (413), malformed JSON → 400, and the request
 * lands in the service's `crm_http_request_duration_seconds` like any route.
 */
@Injectable()
export class TelegramWebhookHttpHandler {
  constructor(
    private readonly receive: ReceiveWebhookUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Puts the handler in front of the server's existing request listener (Express). */
  attach(server: Server): void {
    const next = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
      if (!match) {
        for (const listener of next) listener(req, res);
        return;
      }
      void this.handle(safeDecode(match[1]), req, res);
    });
  }

  private async handle(channelId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    res.once('finish', () => observe(res.statusCode, started));
    const body = await readJson(req);
    if (body === TOO_LARGE) return answer(res, 413, { statusCode: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'request body is too large' });
    if (body === MALFORMED) return answer(res, 400, { statusCode: 400, code: ErrorCode.VALIDATION_FAILED, message: 'body is not valid JSON' });
    try {
      const correlation = req.headers[HEADER_CORRELATION_ID];
      const result = await this.receive.execute({
        channelId,
        secretToken: req.headers[TELEGRAM_SECRET_HEADER],
        body,
        correlationId: typeof correlation === 'string' ? correlation : undefined,
      });
      if (result.status === 200) answer(res, 200, { ok: true });
      else answer(res, result.status, { statusCode: result.status, code: result.code, message: result.message });
    } catch (err) {
      this.logger.error({ channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'telegram webhook failed');
      answer(res, 500, { statusCode: 500, code: ErrorCode.INTERNAL, message: 'internal error' });
    }
  }
}

const TOO_LARGE = Symbol('too large');
const MALFORMED = Symbol('malformed');

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > WEBHOOK_BODY_LIMIT) {
      req.resume();
      return resolve(TOO_LARGE);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= WEBHOOK_BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > WEBHOOK_BODY_LIMIT) return resolve(TOO_LARGE);
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown);
      } catch {
        resolve(MALFORMED);
      }
    });
    req.on('error', () => resolve(MALFORMED));
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function observe(status: number, started: bigint): void {
  const histogram = register.getSingleMetric('crm_http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'> | undefined;
  histogram?.observe({ method: 'POST', route: ROUTE, status: String(status) }, Number(process.hrtime.bigint() - started) / 1e9);
}
