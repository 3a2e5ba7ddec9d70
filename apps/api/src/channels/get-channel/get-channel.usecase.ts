import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChannelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { requireChannel } from '../channel.store';

@Injectable()
export class GetChannelUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, id: string): Promise<ChannelEntity> {
    return requireChannel(this.dataSource.manager, user.accountId, id);
  }
}
