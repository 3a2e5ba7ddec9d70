import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, errorMessage, localeFrom } from '@crm/domain';
import { requestIdOf } from './request-context';

/**
 * Errors raised by the body parsers before any route runs (too large → 413, malformed JSON or nested too deep → 400,
 * unsupported charset → 415) answered in the API's error shape (with the request id) instead of Express' HTML page.
 */
export function bodyErrorMiddleware() {
  return (err: { type?: string; status?: number } | undefined, req: Request, res: Response, next: NextFunction) => {
    if (!err || typeof err.status !== 'number' || !err.type) return next(err);
    const locale = localeFrom(req.headers['accept-language']);
    const requestId = requestIdOf(req);
    if (err.type === 'entity.too.large') {
      res.status(413).json({ statusCode: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: errorMessage(ErrorCode.PAYLOAD_TOO_LARGE, locale), requestId });
    } else if (err.type === 'entity.too.deep') {
      res.status(400).json({
        statusCode: 400,
        code: ErrorCode.VALIDATION_FAILED,
        message: errorMessage(ErrorCode.VALIDATION_FAILED, locale),
        details: [{ path: '', constraints: [(err as { message?: string }).message ?? 'body nests too deep'] }],
        requestId,
      });
    } else if (err.type === 'entity.parse.failed') {
      res.status(400).json({
        statusCode: 400,
        code: ErrorCode.VALIDATION_FAILED,
        message: errorMessage(ErrorCode.VALIDATION_FAILED, locale),
        details: [{ path: '', constraints: ['body is not valid JSON'] }],
        requestId,
      });
    } else {
      res.status(err.status).json({ statusCode: err.status, code: ErrorCode.VALIDATION_FAILED, message: errorMessage(ErrorCode.VALIDATION_FAILED, locale), requestId });
    }
  };
}
