import pino, { Logger } from 'pino';
import { LoggerService } from '@nestjs/common';
import { currentLogContext } from './request-context';

/** Field names whose values never reach a log line, wherever they appear (two levels deep). */
export const REDACTED_KEYS = [
  'password', 'secret', 'secrets', 'token', 'botToken', 'accessToken', 'appSecret', 'clientSecret', 'longLivedToken',
  'authCode', 'refreshToken', 'webhookSecret', 'verifyToken', 'authorization', 'cookie', 'apiKey', 'SECRETS_KEY', 'SECRETS_KEYS',
  'AUTH_JWT_SECRET', 'x-telegram-bot-api-secret-token', 'encryptedSecrets',
];

const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
});

/**
 * Secrets that can hide inside free text (URLs, error messages): Telegram bot tokens, bearer tokens, JWTs, the path
 * segments of our webhook URLs after the channel id (`/webhooks/avito/:channelId/<hook secret>`: every such segment is
 * treated as secret) and the code of a Bitrix24 incoming webhook (`/rest/<user id>/<code>/`).
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(\/webhooks\/[A-Za-z0-9_-]+\/[^/\s?#"'<>\\]+)\/[^\s?#"'<>\\]+/g, '$1/[redacted]'],
  [/(\/rest\/\d+\/)[^/\s?#"'<>\\]+/g, '$1[redacted]'],
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, '[bot-token]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, 'Bearer [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g, '[jwt]'],
  // Query parameters named like credentials (`access_token`, `client_secret`, `hub.verify_token`, `code`, `api_key`…).
  [/([?&][\w.-]*(?:token|secret|code|key|password)=)[^&\s"'#]+/gi, '$1[redacted]'],
];

export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((s, [re, replacement]) => s.replace(re, replacement), text);
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message), stack: value.stack ? scrubSecrets(value.stack) : undefined, code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  service: string;
  level: string;
  /** Where JSON lines go; stdout by default. Tests pass a stream to capture them. */
  destination?: pino.DestinationStream;
}

/**
 * Structured JSON logs, one line per event, with secrets redacted by key and scrubbed from free text, and the
 * request/correlation id of the current AsyncLocalStorage context (request-context.ts) on each line.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The request id (HTTP) or correlation id (Kafka) of whatever is being handled, on every line it writes.
      mixin: () => ({ ...currentLogContext() }),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // The logMethod hook already turned errors into { type, message, stack, code } (scrubbed); pino's default err
      // serializer would rename such a plain object's type to "Object".
      serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubDeep(a)) as Parameters<typeof method>);
        },
      },
    },
    // Synchronous writes: a line logged right before exit (fatal config error, shutdown) is never lost.
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** Nest's LoggerService on top of pino, so framework messages are JSON lines too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]) {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const stack = level === 'error' && typeof params[0] === 'string' ? params[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message });
    } else {
      this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
