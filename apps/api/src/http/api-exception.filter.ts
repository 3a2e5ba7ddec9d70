import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, ErrorCode, errorMessage, localeFrom } from '@crm/domain';
import { isInfrastructureError, LOGGER, requestIdOf } from '@crm/service-kit';
import { HTTP_STATUS_OF } from './http-status.map';

const CODE_OF_HTTP_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
};

/**
 * The edge where every failure becomes `{ statusCode, code, message, details?, requestId }`: domain errors by their code,
 * framework errors (unknown route, body too large, malformed JSON) by status, our Postgres or Kafka out of reach as
 * DEPENDENCY_UNAVAILABLE (503: the request may be repeated), anything else as INTERNAL (logged, never echoed to the
 * client).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const locale = localeFrom(req.headers['accept-language']);

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
            ? ((exception as { status: number }).status)
            : HttpStatus.INTERNAL_SERVER_ERROR;
      code = CODE_OF_HTTP_STATUS[status] ?? (isInfrastructureError(exception) ? ErrorCode.DEPENDENCY_UNAVAILABLE : ErrorCode.INTERNAL);
      if (code === ErrorCode.VALIDATION_FAILED && (exception as { type?: string }).type === 'entity.parse.failed') {
        details = [{ path: '', constraints: ['body is not valid JSON'] }];
      }
    }
    const statusCode = HTTP_STATUS_OF[code];
    if (statusCode >= 500) this.logFailure(exception, req, code);
    res.status(statusCode).json({ statusCode, code, message: errorMessage(code, locale, params), ...(details !== undefined ? { details } : {}), requestId: requestIdOf(req) });
  }

  /** A 5xx carries its cause in the log line: the error's message in `msg` (what a console shows) and its stack. */
  private logFailure(exception: unknown, req: Request, code: ErrorCode): void {
    const err = exception instanceof Error ? exception : new Error(typeof exception === 'string' ? exception : JSON.stringify(exception) ?? String(exception));
    this.logger.error({ err, method: req.method, path: req.route?.path ?? req.path, code }, `request failed: ${err.message || err.name}`);
  }
}
