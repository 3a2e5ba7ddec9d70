import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorVkConfig } from '../config/connector-vk.config';
import { RandomIdsRepository } from '../random-ids/random-ids.repository';

const PRUNE_EVERY_MS = 60 * 60_000;

/** Hourly: forgets the random_ids of messages sent longer ago than VK_RANDOM_ID_RETENTION_DAYS (the sequence stays). */
@Injectable()
export class RandomIdsPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly randomIds: RandomIdsRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ConnectorVkConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<number> {
    try {
      const deleted = await this.randomIds.prune(this.config.VK_RANDOM_ID_RETENTION_DAYS);
      if (deleted > 0) this.logger.info({ deleted }, 'old VK random_ids forgotten');
      return deleted;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'VK random_ids not pruned; next try in an hour');
      return 0;
    }
  }
}
