import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FunnelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { FunnelResponse } from '../funnel.dto';
import { funnelOrder, lockAccountFunnels, presentFunnel, requireFunnel, writePositions } from '../funnel.store';
import { placeAt } from '../positions';
import type { UpdateFunnelDto } from './update-funnel.dto';

/** Renames and/or moves a funnel; the others shift to keep positions dense. */
@Injectable()
export class UpdateFunnelUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string, dto: UpdateFunnelDto): Promise<FunnelResponse> {
    return this.dataSource.transaction(async (m) => {
      await lockAccountFunnels(m, user.accountId);
      await requireFunnel(m, user.accountId, funnelId, true);
      if (dto.name !== undefined) await m.update(FunnelEntity, { id: funnelId, accountId: user.accountId }, { name: dto.name });
      if (dto.position !== undefined) {
        await writePositions(m, 'funnels', user.accountId, placeAt(await funnelOrder(m, user.accountId), funnelId, dto.position));
      }
      return presentFunnel(m, user.accountId, funnelId);
    });
  }
}
