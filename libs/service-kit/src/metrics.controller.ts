import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './public.decorator';
import { collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** GET /metrics — Prometheus text format: process/runtime metrics plus whatever the app and libraries registered. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics({ prefix: 'crm_' });
      defaultsCollected = true;
    }
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
