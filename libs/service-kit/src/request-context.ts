import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line written while handling one request or one Kafka message carries. */
export interface LogContext {
  /** HTTP: from `x-request-id` or generated. */
  requestId?: string;
  /** Kafka: the `x-correlation-id` header of the message being handled. */
  correlationId?: string;
  /** Kafka batch handlers: the correlation ids of the run. */
  correlationIds?: string[];
}

export const REQUEST_ID_HEADER = 'x-request-id';
const storage = new AsyncLocalStorage<LogContext>();
/** A caller's id is kept only if it is short and plain (it ends up in logs and headers). */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The context of the request or message being handled here, if any (the logger's mixin reads it). */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The request id of the HTTP request being handled here, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` with `context` on every log line it (and whatever it awaits) writes. */
export function runWithLogContext<R>(context: LogContext, fn: () => R): R {
  return storage.run(context, fn);
}

type RequestWithId = Request & { requestId?: string };

/** The id of a request: set by requestIdMiddleware (from `x-request-id` or generated). */
export function requestIdOf(req: Request): string | undefined {
  return (req as RequestWithId).requestId;
}

/**
 * First middleware: every request gets an id (the caller's `x-request-id` when acceptable, else a new uuid), echoed in
 * the response's `x-request-id`, and the log context for whatever runs next.
 */
export function requestIdMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
    (req as RequestWithId).requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    storage.run({ requestId }, next);
  };
}

/**
 * Re-enters the request's log context after the body parsers: they call `next` from the socket's stream callbacks,
 * which run outside the context the first middleware opened.
 */
export function requestContextMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req);
    if (!requestId) return next();
    storage.run({ requestId }, next);
  };
}
