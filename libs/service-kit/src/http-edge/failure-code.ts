import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { isDependencyUnavailable } from '../error-disposition';

/** The error code of a framework failure by its HTTP status (unknown route, malformed JSON, body over the limit…). */
export const CODE_OF_HTTP_STATUS: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
};

/** What an HTTP edge answers a failure with, before its own status table and message language. */
export interface EdgeFailure {
  code: ErrorCode;
  params: Record<string, string | number>;
  details?: unknown;
}

/**
 * The one rule of every HTTP edge (api, widget): a DomainError by its code; a framework error by its status; our
 * Postgres or Kafka out of reach, or a passing database condition (read-only during a failover, deadlock…) →
 * DEPENDENCY_UNAVAILABLE (the client may repeat the request); anything else INTERNAL.
 */
export function edgeFailureOf(exception: unknown): EdgeFailure {
  if (exception instanceof DomainError) return { code: exception.code, params: exception.params, details: exception.details };
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : typeof (exception as { status?: unknown })?.status === 'number'
        ? (exception as { status: number }).status
        : 500;
  const code = CODE_OF_HTTP_STATUS[status] ?? (isDependencyUnavailable(exception) ? ErrorCode.DEPENDENCY_UNAVAILABLE : ErrorCode.INTERNAL);
  // body-parser's malformed JSON: say so in the field list, as a validation failure does.
  const details = code === ErrorCode.VALIDATION_FAILED && (exception as { type?: string })?.type === 'entity.parse.failed' ? [{ path: '', constraints: ['body is not valid JSON'] }] : undefined;
  return { code, params: {}, ...(details ? { details } : {}) };
}
