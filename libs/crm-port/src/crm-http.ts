import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { CrmUrlPolicy, CrmUrlRefusedError } from './crm-url-policy';

/**
 * The request did not produce an HTTP answer. `unclear`: it may have reached the CRM and been carried out (timeout or
 * connection lost after the request was sent) — a retry must look for what it may have created.
 */
export class CrmTransportError extends Error {
  constructor(
    readonly code: 'TIMEOUT' | 'CONNECTION_FAILED' | 'CONNECTION_LOST' | 'RESPONSE_TOO_LARGE',
    message: string,
    readonly unclear: boolean,
  ) {
    super(message);
    this.name = 'CrmTransportError';
  }
}

export interface CrmHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whole request, connection to last byte. */
  timeoutMs: number;
}

export interface CrmHttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * HTTP(S) to a user-given CRM URL under a CrmUrlPolicy: the addresses are checked when the connection is made (not
 * only at save time), responses are size-capped, every request has a deadline. Keep-alive connections are reused.
 */
export class CrmHttpClient {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 8 });

  constructor(readonly policy: CrmUrlPolicy) {}

  async request(req: CrmHttpRequest): Promise<CrmHttpResponse> {
    let url: URL;
    try {
      url = this.policy.assertShape(req.url);
    } catch (err) {
      return Promise.reject(err);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      const problem = this.policy.addressProblem(host);
      if (problem) throw new CrmUrlRefusedError(problem);
    }
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<CrmHttpResponse>((resolve, reject) => {
      let sent = false;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(err);
      };
      const request = send(url, {
        method: req.method,
        headers: { accept: 'application/json', ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        lookup: this.policy.lookup as never,
      });
      const timer = setTimeout(() => fail(new CrmTransportError('TIMEOUT', `no answer within ${req.timeoutMs} ms`, sent)), req.timeoutMs);
      request.on('finish', () => (sent = true));
      request.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof CrmUrlRefusedError || err.code === 'ECRMURLREFUSED') return fail(new CrmUrlRefusedError(err.message));
        fail(new CrmTransportError(sent ? 'CONNECTION_LOST' : 'CONNECTION_FAILED', `${err.code ?? ''} ${err.message}`.trim(), sent));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) return fail(new CrmTransportError('RESPONSE_TOO_LARGE', `response over ${MAX_RESPONSE_BYTES} bytes`, true));
          chunks.push(chunk);
        });
        response.on('error', (err) => fail(new CrmTransportError('CONNECTION_LOST', err.message, true)));
        response.on('aborted', () => fail(new CrmTransportError('CONNECTION_LOST', 'response aborted', true)));
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: parseJson(text) });
        });
      });
      request.end(body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
