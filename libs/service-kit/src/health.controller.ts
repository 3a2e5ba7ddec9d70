import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InternalRoutes } from './internal-route.decorator';
import type { Response } from 'express';
import { BaseServiceConfig } from '@crm/config';
import { KafkaHealthProbe } from '@crm/messaging';
import { Public } from './public.decorator';
import { DatabaseHealthProbe, type DependencyCheck } from './database-health.probe';
import { ServiceReadiness } from './readiness';
import { SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export type { DependencyCheck } from './database-health.probe';

/**
 * - GET /health/live — the process works (its event loop answers): 200, nothing else is checked.
 * - GET /health/ready — it can do its job: Postgres (SELECT 1) and Kafka (cluster metadata) really respond, every
 *   consumer runs and none has a partition paused longer than CONSUMER_STUCK_AFTER_MS, and shutdown has not begun.
 *   200 when all hold, 503 otherwise, with the detail of each.
 * - GET /health — the same as /health/ready.
 */
@InternalRoutes()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    private readonly database: DatabaseHealthProbe,
    private readonly kafka: KafkaHealthProbe,
    private readonly readiness: ServiceReadiness,
  ) {}

  @Get('live')
  live(@Res() res: Response): void {
    res.status(200).json({ status: 'ok', service: this.service, uptimeSeconds: Math.round(process.uptime()) });
  }

  @Get()
  health(@Res() res: Response): Promise<void> {
    return this.ready(res);
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const [postgres, kafka] = await Promise.all([this.database.reachable(), this.checkKafka()]);
    const consumers = this.readiness.consumers(this.config.CONSUMER_STUCK_AFTER_MS ?? 60_000);
    const shuttingDown = this.readiness.isShuttingDown;
    const up = postgres.up && kafka.up && consumers.up && !shuttingDown;
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : shuttingDown ? 'shutting-down' : 'unavailable',
      service: this.service,
      checks: { postgres, kafka, consumers },
    });
  }

  private async checkKafka(): Promise<DependencyCheck> {
    const started = Date.now();
    const result = await this.kafka.check(2000);
    return { ...result, latencyMs: Date.now() - started };
  }
}
