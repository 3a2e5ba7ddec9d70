import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Clock } from '@crm/crm-port';
import { LOGGER } from '@crm/service-kit';
import { CLOCK } from '../crm/clock.provider';
import { CrmConnections } from '../crm/crm-connections';
import { addLeadNote, syncedLeadsOf } from '../crm/lead-notes';
import type { ForwardClientErasedCommand } from './forward-client-erased.command';
import { ERASURE_NOTE_TEXT } from './erasure-note';

/**
 * client.erased (DESIGN §4 DELETE /clients/:id): the client's records that still wait to be forwarded are cancelled
 * (deleted: there is nothing left to send), and each CRM lead the client's lead was synced to gets a note without
 * personal data. The note goes out at most once (looked up by its marker first); a CRM that fails makes the event
 * retried, then dead-lettered.
 */
@Injectable()
export class ForwardClientErasedUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: CrmConnections,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(cmd: ForwardClientErasedCommand): Promise<{ cancelled: number; notes: number }> {
    const cancelled = await this.cancelPending(cmd);
    let notes = 0;
    for (const lead of cmd.leadId ? await syncedLeadsOf(this.dataSource, cmd.accountId, cmd.leadId) : []) {
      if (lead.status !== 'active') {
        this.logger.warn({ integrationId: lead.integration_id, leadId: cmd.leadId }, 'erasure note not added: the integration is not active');
        continue;
      }
      await addLeadNote(this.connections, lead, { id: cmd.eventId, leadId: cmd.leadId!, text: ERASURE_NOTE_TEXT, at: new Date(this.clock.now()) });
      notes++;
    }
    this.logger.info({ clientId: cmd.clientId, dialogId: cmd.dialogId, cancelled, notes }, 'client erasure forwarded');
    return { cancelled, notes };
  }

  private async cancelPending(cmd: ForwardClientErasedCommand): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM integration_sync_jobs
        WHERE account_id = $1 AND state = 'pending'
          AND ((entity_type = 'client' AND entity_id = $2) OR dialog_id = $3 OR ($4::uuid IS NOT NULL AND lead_id = $4::uuid))
        RETURNING id`,
      [cmd.accountId, cmd.clientId, cmd.dialogId, cmd.leadId],
    )) as [unknown[], number];
    return count;
  }
}
