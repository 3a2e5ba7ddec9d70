import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import type { LeadResponse } from '../lead.dto';
import { LEAD_SELECT, presentLead, syncOf, type LeadRow } from '../lead.store';

@Injectable()
export class GetLeadUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, leadId: string): Promise<LeadResponse> {
    const [row] = (await this.dataSource.query(`${LEAD_SELECT} WHERE l.account_id = $1 AND l.id = $2`, [user.accountId, leadId])) as LeadRow[];
    if (!row) throw new DomainError(ErrorCode.LEAD_NOT_FOUND);
    const sync = await syncOf(this.dataSource, user.accountId, [row.id]);
    return presentLead(row, sync.get(row.id));
  }
}
