import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FORWARDED_EVENT_KINDS, planSyncRecords, type Clock, type ForwardableEvent } from '@crm/crm-port';
import { CLOCK } from '../crm/clock.provider';
import { SyncWorkerSignal } from '../forward-records/sync-worker.signal';
import type { IngestCrmEventCommand } from './ingest-crm-events.command';
import { SyncRecordWriter } from './sync-record.writer';

/**
 * Turns a run of CRM events into sync records (DESIGN §7a) in one transaction: only events of channels linked to an
 * integration, and only those that happened after the link (no history dump into a customer's CRM). A redelivered
 * event changes nothing (records are unique per integration and entity). New records wake the worker.
 */
@Injectable()
export class IngestCrmEventsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: SyncRecordWriter,
    private readonly worker: SyncWorkerSignal,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(commands: readonly IngestCrmEventCommand[]): Promise<number> {
    const relevant = commands.filter((c) => c.channelId !== null && FORWARDED_EVENT_KINDS.has(c.data.kind));
    if (relevant.length === 0) return 0;
    const inserted = await this.dataSource.transaction(async (m) => {
      const channels = await this.writer.linkedChannels(m, [...new Set(relevant.map((c) => c.channelId!))]);
      const events: ForwardableEvent[] = relevant
        .filter((c) => {
          const link = channels.get(c.channelId!);
          return link !== undefined && link.accountId === c.accountId && c.occurredAt.getTime() >= link.linkedAt.getTime();
        })
        .map((c) => ({ ...c.data, accountId: c.accountId, channelId: c.channelId! }));
      if (events.length === 0) return 0;
      const messageLeads = await this.writer.messageLeads(
        m,
        events.filter((e) => e.messageId && !e.leadId).map((e) => ({ accountId: e.accountId, messageId: e.messageId! })),
      );
      const leadRefs = new Map<string, { accountId: string; leadId: string }>();
      for (const e of events) {
        const leadId = e.leadId ?? (e.messageId ? messageLeads.get(e.messageId) : undefined);
        if (leadId) leadRefs.set(leadId, { accountId: e.accountId, leadId });
      }
      const leads = await this.writer.leads(m, [...leadRefs.values()]);
      const planned = planSyncRecords({ events, channels, leads, messageLeads });
      return this.writer.insert(m, planned, new Date(this.clock.now()));
    });
    if (inserted > 0) this.worker.wake();
    return inserted;
  }
}
