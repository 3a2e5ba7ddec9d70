import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { refuseWhenUsed } from '../../shared/refuse-when-used';
import { requireIntegration } from '../integration.store';

/**
 * Soft-deletes an integration and wipes its credentials. Refused with 409 INTEGRATION_IN_USE, naming the channels,
 * while channels forward to it (detach them first).
 */
@Injectable()
export class DeleteIntegrationUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, id: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      await requireIntegration(m, user.accountId, id, true);
      const channels = (await m.query(
        `SELECT id, name FROM channels WHERE account_id = $1 AND integration_id = $2 AND deleted_at IS NULL ORDER BY created_at, id`,
        [user.accountId, id],
      )) as Array<{ id: string; name: string }>;
      refuseWhenUsed(ErrorCode.INTEGRATION_IN_USE, channels);
      await m.query(`UPDATE integrations SET deleted_at = now(), secrets_encrypted = NULL WHERE account_id = $1 AND id = $2`, [user.accountId, id]);
    });
  }
}
