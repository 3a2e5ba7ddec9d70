import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { decodeCursor, toPage, type Page } from '../../http/pagination';
import { requireIntegration } from '../integration.store';
import type { SyncRecordResponse } from '../sync-record.dto';
import type { ListSyncRecordsQueryDto } from './list-sync-records.dto';

interface SyncRecordRow {
  id: string;
  seq: string;
  entity_type: string;
  entity_id: string;
  lead_id: string | null;
  state: string;
  external_id: string | null;
  last_error: string | null;
  attempts: number;
  updated_at: Date;
}

/** The integration's sync records (optionally of one state) in the order they were recorded; keyset on seq. */
@Injectable()
export class ListSyncRecordsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, integrationId: string, query: ListSyncRecordsQueryDto): Promise<Page<SyncRecordResponse>> {
    await requireIntegration(this.dataSource.manager, user.accountId, integrationId);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const params: unknown[] = [user.accountId, integrationId, limit + 1];
    const where = ['account_id = $1', 'integration_id = $2'];
    if (query.state) where.push(`state = $${params.push(query.state)}`);
    if (after) where.push(`seq > $${params.push(/^\d+$/.test(after.v) ? after.v : '0')}::bigint`);
    const rows = (await this.dataSource.query(
      `SELECT id, seq, entity_type, entity_id, lead_id, state, external_id, last_error, attempts, updated_at
         FROM integration_sync_jobs WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $3`,
      params,
    )) as SyncRecordRow[];
    return toPage(rows, limit, (r) => ({ v: r.seq, id: r.id }), (r) => ({
      id: r.id,
      entity: r.entity_type,
      entityId: r.entity_id,
      leadId: r.lead_id,
      state: r.state,
      externalId: r.external_id,
      error: r.last_error,
      attempts: r.attempts,
      updatedAt: r.updated_at.toISOString(),
    }));
  }
}
