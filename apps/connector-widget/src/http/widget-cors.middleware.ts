import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for the visitor API: the widget runs on the business' site, another origin than ours. Any origin may *ask*
 * (no cookies are involved: the visitor token travels in Authorization) — whether the channel allows that origin is
 * decided by the request itself, which then answers 403 WIDGET_ORIGIN_NOT_ALLOWED in a body the script can read.
 */
@Injectable()
export class WidgetCorsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && origin.length > 0) res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept-Language');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  }
}
