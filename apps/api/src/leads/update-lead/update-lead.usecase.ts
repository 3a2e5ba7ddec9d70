import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, crmEventKey, Topics } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { enqueueOutbox } from '@crm/outbox';
import type { LeadStatus } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { LeadResponse } from '../lead.dto';
import { LEAD_SELECT, presentLead, syncOf, type LeadRow } from '../lead.store';
import type { UpdateLeadDto } from './update-lead.dto';

interface LeadState {
  id: string;
  funnel_id: string | null;
  stage_id: string | null;
  status: LeadStatus;
  client_id: string | null;
  channel_id: string;
  dialog_id: string;
}

/**
 * Moves a lead to another stage of its funnel and/or closes it (won/lost) or reopens it — admins and agents alike.
 * The stage must belong to the lead's funnel (an unsorted lead is sorted into the stage's funnel). A real change
 * emits `lead.updated` on crm.events.v1 (and so on /events) through the outbox, in the same transaction.
 */
@Injectable()
export class UpdateLeadUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, leadId: string, dto: UpdateLeadDto): Promise<LeadResponse> {
    if (dto.stageId === undefined && dto.status === undefined) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: '', constraints: ['give stageId and/or status'] }]);
    }
    const row = await this.dataSource.transaction(async (m) => {
      const lead = await this.lockLead(m, user.accountId, leadId);
      const next = { ...lead, ...(dto.status !== undefined ? { status: dto.status } : {}) };
      if (dto.stageId !== undefined) Object.assign(next, await this.placement(m, user.accountId, lead, dto.stageId));
      if (next.stage_id !== lead.stage_id || next.funnel_id !== lead.funnel_id || next.status !== lead.status) {
        await m.query(`UPDATE leads SET funnel_id = $3, stage_id = $4, status = $5, updated_at = now() WHERE account_id = $1 AND id = $2`, [
          user.accountId,
          leadId,
          next.funnel_id,
          next.stage_id,
          next.status,
        ]);
        await this.emitUpdated(m, user.accountId, next);
      }
      const [current] = (await m.query(`${LEAD_SELECT} WHERE l.account_id = $1 AND l.id = $2`, [user.accountId, leadId])) as LeadRow[];
      return current;
    });
    const sync = await syncOf(this.dataSource, user.accountId, [row.id]);
    return presentLead(row, sync.get(row.id));
  }

  private async lockLead(m: EntityManager, accountId: string, leadId: string): Promise<LeadState> {
    const [lead] = (await m.query(
      `SELECT id, funnel_id, stage_id, status, client_id, channel_id, dialog_id FROM leads WHERE account_id = $1 AND id = $2 FOR UPDATE`,
      [accountId, leadId],
    )) as LeadState[];
    if (!lead) throw new DomainError(ErrorCode.LEAD_NOT_FOUND);
    return lead;
  }

  /** Where the stage puts the lead: a stage of another account (or none) → 404, of another funnel → 400. */
  private async placement(m: EntityManager, accountId: string, lead: LeadState, stageId: string): Promise<Pick<LeadState, 'funnel_id' | 'stage_id'>> {
    const [stage] = (await m.query(`SELECT id, funnel_id FROM funnel_stages WHERE account_id = $1 AND id = $2`, [accountId, stageId])) as Array<{
      id: string;
      funnel_id: string;
    }>;
    if (!stage) throw new DomainError(ErrorCode.STAGE_NOT_FOUND);
    if (lead.funnel_id !== null && stage.funnel_id !== lead.funnel_id) throw new DomainError(ErrorCode.STAGE_NOT_IN_FUNNEL);
    return { funnel_id: stage.funnel_id, stage_id: stage.id };
  }

  private async emitUpdated(m: EntityManager, accountId: string, lead: LeadState): Promise<void> {
    const data = {
      kind: 'lead.updated' as const,
      dialogId: lead.dialog_id,
      leadId: lead.id,
      leadStatus: lead.status,
      ...(lead.client_id ? { clientId: lead.client_id } : {}),
      ...(lead.funnel_id ? { funnelId: lead.funnel_id } : {}),
      ...(lead.stage_id ? { stageId: lead.stage_id } : {}),
    };
    await enqueueOutbox(m, [
      {
        accountId,
        topic: Topics.CrmEvents,
        key: crmEventKey(lead.dialog_id),
        envelope: createEnvelope('crm.event', data, { accountId, channelId: lead.channel_id }),
      },
    ]);
  }
}
