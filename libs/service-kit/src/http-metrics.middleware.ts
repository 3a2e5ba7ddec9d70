import type { NextFunction, Request, Response } from 'express';
import { Histogram, register } from 'prom-client';

const histogram = () =>
  (register.getSingleMetric('crm_http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'>) ??
  new Histogram({
    name: 'crm_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

/** Records every request's duration by route pattern (never the raw URL, which holds ids and secrets). */
export function httpMetricsMiddleware() {
  const h = histogram();
  return (req: Request, res: Response, next: NextFunction) => {
    const end = h.startTimer();
    res.once('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl ?? ''}${route}`, status: String(res.statusCode) });
    });
    next();
  };
}
