import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import type { ClientDetailResponse } from '../client.dto';
import { CLIENT_SELECT, identitiesOf, possibleDuplicatesOf, presentClient, type ClientRow } from '../client.store';

@Injectable()
export class GetClientUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, clientId: string): Promise<ClientDetailResponse> {
    const [row] = (await this.dataSource.query(`${CLIENT_SELECT} WHERE c.account_id = $1 AND c.id = $2`, [user.accountId, clientId])) as ClientRow[];
    if (!row) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND);
    const identities = await identitiesOf(this.dataSource, user.accountId, [row.id]);
    const possibleDuplicates = await possibleDuplicatesOf(this.dataSource, user.accountId, row.id);
    return { ...presentClient(row, identities.get(row.id)), possibleDuplicates };
  }
}
