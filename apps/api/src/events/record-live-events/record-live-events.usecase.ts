import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../../config/api.config';
import type { LiveEventDraft } from '../live-event';
import { appendLiveEvents, pruneLiveEvents } from '../live-event.store';

const PRUNE_EVERY_MS = 60_000;

/**
 * Gives consumed events their place in the durable sequence of GET /api/v1/events (live_events), once each, and drops
 * what is older than the retention window (at most once a minute per instance).
 */
@Injectable()
export class RecordLiveEventsUseCase {
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  async execute(drafts: LiveEventDraft[]): Promise<number> {
    const added = await this.dataSource.transaction((m) => appendLiveEvents(m, drafts));
    if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await pruneLiveEvents(this.dataSource, this.config.LIVE_EVENTS_RETENTION_MS);
    }
    return added;
  }
}
