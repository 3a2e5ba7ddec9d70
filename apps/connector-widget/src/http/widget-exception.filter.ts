import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { localeFrom } from '@crm/domain';
import { LOGGER, requestIdOf } from '@crm/service-kit';
import { widgetErrorBody } from './widget-error.mapper';

/** Every failure of the visitor API in the API's error shape, with Retry-After on 429; 5xx are logged, never echoed. */
@Catch()
export class WidgetExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { body, retryAfterSeconds } = widgetErrorBody(exception, localeFrom(req.headers['accept-language']));
    if (body.statusCode >= 500) this.logger.error({ err: exception, path: req.route?.path ?? req.path, code: body.code }, 'request failed');
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(body.statusCode).json({ ...body, requestId: requestIdOf(req) });
  }
}
