import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChannelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { requireChannel, saveNextRevision } from '../channel.store';

/** Turns a channel off (connectors stop taking its messages); an inactive channel is answered as it is. */
@Injectable()
export class DeactivateChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  execute(user: AuthUser, id: string): Promise<ChannelEntity> {
    return this.dataSource.transaction(async (m) => {
      const row = await requireChannel(m, user.accountId, id, true);
      if (row.status === 'inactive') return row;
      row.status = 'inactive';
      row.statusReason = null;
      const saved = await saveNextRevision(m, row);
      await this.publisher.published(m, saved);
      return saved;
    });
  }
}
