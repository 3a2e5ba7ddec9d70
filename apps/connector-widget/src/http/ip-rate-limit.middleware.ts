import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RateLimits } from '../visitor/rate-limits.service';

/** Every visitor API request counts against its client IP (the proxy-reported one, per WIDGET_TRUST_PROXY). */
@Injectable()
export class IpRateLimitMiddleware implements NestMiddleware {
  constructor(private readonly limits: RateLimits) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    this.limits.request(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    next();
  }
}
