import { Controller, Get, Header } from '@nestjs/common';
import { InternalRoutes } from './internal-route.decorator';
import { Public } from './public.decorator';
import { collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/**
 * GET /metrics — Prometheus text format: the standard process/runtime metrics under their usual names
 * (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`…, so stock dashboards
 * and alerts work) plus whatever the app and libraries registered, all of ours named `crm_*`.
 */
@InternalRoutes()
@Public()
@Controller()
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics();
      defaultsCollected = true;
    }
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
