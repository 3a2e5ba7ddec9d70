import type { IncomingHttpHeaders } from 'node:http';
import type { InboundMessageData, MessageStatusData } from '@crm/contracts';
import type { ConnectorChannel } from './channel-state.port';

/** One webhook call of a platform, as the kit read it: `/webhooks/<type>/:channelId/<rest…>`. */
export interface WebhookRequest {
  /** GET, POST… (upper case). */
  method: string;
  channelId: string;
  /** Path segments after the channel id, decoded (Avito: `[hookSecret]`). */
  rest: string[];
  query: URLSearchParams;
  /** Lower-case header names, as node gives them. */
  headers: IncomingHttpHeaders;
  /** The body exactly as received (signatures are computed over these bytes), at most the port's bodyLimitBytes. */
  rawBody: Buffer;
  correlationId?: string;
}

/** Authenticity of a call. A rejection is answered `status` (401 default), counted per channel, and turns the
 * channel's health `degraded` with cause SIGNATURE_REJECTED until an authentic call arrives. */
export type WebhookAuth = { ok: true } | { ok: false; status?: 401 | 403; reason: string };

/** An answer to the platform. `body`: an object → JSON; a string → text/plain; absent → `{"ok":true}` JSON. */
export interface WebhookResponse {
  status: number;
  body?: unknown;
  contentType?: string;
}

/**
 * What a call produced. The kit validates and publishes `inbound` (channels.inbound.v1) and `statuses`
 * (channels.status.v1) with acks=all — all of them in one produce — and only then answers `response`
 * (default 200 `{"ok":true}`); Kafka not taking them in time → 503 so the platform re-delivers.
 */
export interface WebhookResult {
  inbound?: InboundMessageData[];
  statuses?: MessageStatusData[];
  response?: WebhookResponse;
}

/**
 * PORT — a platform's webhook. The kit owns routing, body limit, raw body, unknown/inactive channel (404), the
 * registry not loaded yet (503), rejection metrics and health, publishing and the Kafka-down 503. Throw
 * WebhookRejection for a malformed body (400…); any other error answers 500, an infrastructure error 503.
 */
export interface WebhookPort<S extends ConnectorChannel> {
  /** HTTP methods served (default ['POST']; WhatsApp also needs GET for the verify handshake). */
  readonly methods?: readonly string[];
  /** Body size limit in bytes (default 256 KiB; WhatsApp documents up to 3 MB). Larger → 413. */
  readonly bodyLimitBytes?: number;
  /** Constant-time check of the call's secret or signature (see secretsEqual / hmacSha256Matches). */
  authenticate(channel: S, request: WebhookRequest): WebhookAuth;
  /** Parses and normalizes an authentic call. */
  handle(channel: S, request: WebhookRequest): Promise<WebhookResult>;
}

/** Thrown by a WebhookPort for a call that can never succeed as sent (malformed body…): answered as given. */
export class WebhookRejection extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejection';
  }
}
