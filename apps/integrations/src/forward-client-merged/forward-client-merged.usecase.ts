import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Clock } from '@crm/crm-port';
import { LOGGER } from '@crm/service-kit';
import { CLOCK } from '../crm/clock.provider';
import { CrmConnections } from '../crm/crm-connections';
import type { ForwardClientMergedCommand } from './forward-client-merged.command';
import { addLeadNote, syncedLeadsOf } from '../crm/lead-notes';
import { mergeNoteText } from './merge-note';

/**
 * client.merged (DESIGN §4 POST /clients/:id/merge): each CRM lead the survivor's lead was synced to gets a comment
 * saying which client was merged into which, at most once (looked up by its marker, the event id, before it is added).
 * A lead not synced (yet) to a CRM gets nothing: there is no lead there to comment on. An integration that is not
 * active is skipped; a CRM that fails makes the event retried, then dead-lettered.
 */
@Injectable()
export class ForwardClientMergedUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: CrmConnections,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(cmd: ForwardClientMergedCommand): Promise<number> {
    if (!cmd.leadId) return 0;
    let notes = 0;
    for (const lead of await syncedLeadsOf(this.dataSource, cmd.accountId, cmd.leadId)) {
      if (lead.status !== 'active') {
        this.logger.warn({ integrationId: lead.integration_id, leadId: cmd.leadId }, 'merge note not added: the integration is not active');
        continue;
      }
      await addLeadNote(this.connections, lead, { id: cmd.eventId, leadId: cmd.leadId, text: mergeNoteText(cmd.clientId, cmd.mergedClientId), at: new Date(this.clock.now()) });
      notes++;
    }
    this.logger.info({ clientId: cmd.clientId, mergedClientId: cmd.mergedClientId, leadId: cmd.leadId, notes }, 'client merge forwarded');
    return notes;
  }
}
