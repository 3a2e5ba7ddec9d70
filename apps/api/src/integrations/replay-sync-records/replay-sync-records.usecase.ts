import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { requireIntegration, resumeForwarding } from '../integration.store';
import type { ReplaySyncRecordsDto, ReplaySyncRecordsResponse } from './replay-sync-records.dto';

/**
 * Re-queues the integration's failed records (DESIGN §7a): pending again with fresh attempts, due at once whatever
 * the integrations service's clock says ('-infinity'), in their original order (a failed lead before its comments).
 */
@Injectable()
export class ReplaySyncRecordsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, integrationId: string, dto: ReplaySyncRecordsDto): Promise<ReplaySyncRecordsResponse> {
    return this.dataSource.transaction(async (m) => {
      await requireIntegration(m, user.accountId, integrationId);
      const [{ requeued }] = (await m.query(
        `WITH requeued AS (
           UPDATE integration_sync_jobs
              SET state = 'pending', attempts = 0, next_attempt_at = '-infinity', updated_at = now()
            WHERE account_id = $1 AND integration_id = $2 AND state = $3
           RETURNING id)
         SELECT count(*)::int AS requeued FROM requeued`,
        [user.accountId, integrationId, dto.state],
      )) as Array<{ requeued: number }>;
      if (requeued > 0) await resumeForwarding(m, user.accountId, integrationId);
      return { requeued };
    });
  }
}
