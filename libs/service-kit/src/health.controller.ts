import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './public.decorator';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { KafkaHealthProbe } from '@crm/messaging';
import { SERVICE_NAME } from './tokens';

export interface DependencyCheck {
  up: boolean;
  detail?: string;
  latencyMs: number;
}

/**
 * GET /health — liveness plus readiness: the process answers, and its Postgres (SELECT 1) and Kafka (cluster
 * metadata) really respond. 200 when every dependency is up, 503 otherwise, with the detail of each.
 */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaHealthProbe,
  ) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const [postgres, kafka] = await Promise.all([this.checkPostgres(), this.checkKafka()]);
    const up = postgres.up && kafka.up;
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', service: this.service, checks: { postgres, kafka } });
  }

  private async checkPostgres(): Promise<DependencyCheck> {
    const started = Date.now();
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000)),
      ]);
      return { up: true, latencyMs: Date.now() - started };
    } catch (err) {
      return { up: false, detail: (err as Error).message, latencyMs: Date.now() - started };
    }
  }

  private async checkKafka(): Promise<DependencyCheck> {
    const started = Date.now();
    const result = await this.kafka.check(2000);
    return { ...result, latencyMs: Date.now() - started };
  }
}
