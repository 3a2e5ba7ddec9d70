import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { requireChannel } from '../channel.store';

/**
 * Soft-deletes a channel (dialogs and leads keep pointing at it), wipes its credentials and publishes the tombstone.
 * The same bot / community / number can then be connected again.
 */
@Injectable()
export class DeleteChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  execute(user: AuthUser, id: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      const row = await requireChannel(m, user.accountId, id, true);
      await m.query(
        `UPDATE channels SET deleted_at = now(), updated_at = now(), revision = revision + 1, secrets_encrypted = NULL, webhook_secret_encrypted = NULL
          WHERE id = $1 AND account_id = $2`,
        [row.id, row.accountId],
      );
      await this.publisher.deleted(m, row);
    });
  }
}
