import { ErrorCode, errorMessage, Locale } from '@crm/domain';
import { edgeFailureOf } from '@crm/service-kit';

/** HTTP status of each code the visitor API answers with (anything else is a 500). */
export const WIDGET_HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.WIDGET_SESSION_INVALID]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.WIDGET_ORIGIN_NOT_ALLOWED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CHANNEL_NOT_FOUND]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.DEPENDENCY_UNAVAILABLE]: 503,
};

export interface WidgetErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Any failure → the API's error shape `{ statusCode, code, message, details? }`, message in ru/en. */
export function widgetErrorBody(exception: unknown, locale: Locale): { body: WidgetErrorBody; retryAfterSeconds?: number } {
  // Our Postgres or Kafka unreachable → 503: the visitor's script retries it with the same clientMessageId.
  const { code, params, details } = edgeFailureOf(exception);
  const statusCode = WIDGET_HTTP_STATUS[code] ?? 500;
  let retryAfterSeconds: number | undefined;
  if (code === ErrorCode.RATE_LIMITED && details && typeof details === 'object') {
    retryAfterSeconds = (details as { retryAfterSeconds?: number }).retryAfterSeconds;
  }
  return {
    body: { statusCode, code, message: errorMessage(code, locale, params), ...(details !== undefined ? { details } : {}) },
    retryAfterSeconds,
  };
}
