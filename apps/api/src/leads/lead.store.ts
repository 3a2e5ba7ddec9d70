import type { DataSource } from 'typeorm';
import type { LeadResponse, LeadSyncResponse } from './lead.dto';

export interface LeadRow {
  id: string;
  client_id: string | null;
  funnel_id: string | null;
  stage_id: string | null;
  channel_id: string;
  dialog_id: string;
  title: string;
  status: string;
  created_at: Date;
  sort_v: string;
}

export const LEAD_SELECT = `
  SELECT l.id, l.client_id, l.funnel_id, l.stage_id, l.channel_id, l.dialog_id, l.title, l.status, l.created_at,
         to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_v
    FROM leads l`;

/** Per-integration sync state of the given leads (integration_sync_jobs, any operation: the latest one wins). */
export async function syncOf(db: Pick<DataSource, 'query'>, accountId: string, leadIds: string[]): Promise<Map<string, LeadSyncResponse[]>> {
  const out = new Map<string, LeadSyncResponse[]>();
  if (leadIds.length === 0) return out;
  const rows = (await db.query(
    `SELECT DISTINCT ON (entity_id, integration_id) entity_id, integration_id, state, external_id, last_error
       FROM integration_sync_jobs
      WHERE account_id = $1 AND entity_type = 'lead' AND entity_id = ANY($2::uuid[])
      ORDER BY entity_id, integration_id, updated_at DESC, id`,
    [accountId, leadIds],
  )) as Array<{ entity_id: string; integration_id: string; state: string; external_id: string | null; last_error: string | null }>;
  for (const r of rows) {
    const list = out.get(r.entity_id) ?? [];
    list.push({ integrationId: r.integration_id, state: r.state, externalId: r.external_id, error: r.last_error });
    out.set(r.entity_id, list);
  }
  return out;
}

export function presentLead(row: LeadRow, sync: LeadSyncResponse[] = []): LeadResponse {
  return {
    id: row.id,
    clientId: row.client_id,
    funnelId: row.funnel_id,
    stageId: row.stage_id,
    channelId: row.channel_id,
    dialogId: row.dialog_id,
    title: row.title,
    status: row.status,
    sync,
    createdAt: row.created_at.toISOString(),
  };
}
