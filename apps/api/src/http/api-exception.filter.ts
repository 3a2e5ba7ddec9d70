import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { type ErrorCode, errorMessage, localeFrom } from '@crm/domain';
import { edgeFailureOf, LOGGER, requestIdOf } from '@crm/service-kit';
import { HTTP_STATUS_OF } from './http-status.map';

/**
 * The edge where every failure becomes `{ statusCode, code, message, details?, requestId }` (the code by edgeFailureOf:
 * domain errors by their code, framework errors by status, our Postgres or Kafka out of reach as DEPENDENCY_UNAVAILABLE
 * — 503, the request may be repeated — anything else INTERNAL: logged, never echoed to the client).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const locale = localeFrom(req.headers['accept-language']);

    const { code, params, details } = edgeFailureOf(exception);
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
