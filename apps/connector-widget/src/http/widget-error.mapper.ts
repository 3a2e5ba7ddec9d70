import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode, errorMessage, Locale } from '@crm/domain';
import { isInfrastructureError } from '@crm/service-kit';

/** HTTP status of each code the visitor API answers with (anything else is a 500). */
export const WIDGET_HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.WIDGET_SESSION_INVALID]: 401,
  [ErrorCode.WIDGET_ORIGIN_NOT_ALLOWED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CHANNEL_NOT_FOUND]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.DEPENDENCY_UNAVAILABLE]: 503,
};

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
};

export interface WidgetErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Any failure → the API's error shape `{ statusCode, code, message, details? }`, message in ru/en. */
export function widgetErrorBody(exception: unknown, locale: Locale): { body: WidgetErrorBody; retryAfterSeconds?: number } {
  let code: ErrorCode;
  let params: Record<string, string | number> = {};
  let details: unknown;
  if (exception instanceof DomainError) {
    code = exception.code;
    params = exception.params;
    details = exception.details;
  } else {
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : typeof (exception as { status?: unknown })?.status === 'number'
          ? (exception as { status: number }).status
          : 500;
    // Our Postgres or Kafka unreachable: the visitor's script retries a 503 with the same clientMessageId.
    code = CODE_OF_STATUS[status] ?? (isInfrastructureError(exception) ? ErrorCode.DEPENDENCY_UNAVAILABLE : ErrorCode.INTERNAL);
  }
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
