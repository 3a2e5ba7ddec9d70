import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LeadFacts, LinkedChannel, PlannedRecord, SyncEntity } from '@crm/crm-port';
import { UNIQUE_KEYS } from '@crm/persistence';

/** The `operation` of the sync records this service keeps (one record per entity and integration). */
export const FORWARD_OPERATION = 'forward';

export interface ChannelLink extends LinkedChannel {
  /** When the channel was linked to the integration: earlier events are not forwarded. */
  linkedAt: Date;
}

/**
 * The reads and writes of ingesting CRM events into sync records, set-based (one statement per table and entity
 * level per run), on the caller's transaction.
 */
@Injectable()
export class SyncRecordWriter {
  /** Channels linked to an integration that still exists, by id (tenant-checked by the caller against the event). */
  async linkedChannels(m: EntityManager, channelIds: string[]): Promise<Map<string, ChannelLink>> {
    const rows = (await m.query(
      `SELECT c.id, c.account_id, c.integration_id, c.integration_linked_at
         FROM channels c
         JOIN integrations i ON i.id = c.integration_id AND i.account_id = c.account_id AND i.deleted_at IS NULL
        WHERE c.id = ANY($1::uuid[]) AND c.integration_linked_at IS NOT NULL`,
      [channelIds],
    )) as Array<{ id: string; account_id: string; integration_id: string; integration_linked_at: Date }>;
    return new Map(rows.map((r) => [r.id, { accountId: r.account_id, integrationId: r.integration_id, linkedAt: r.integration_linked_at }]));
  }

  /** messageId → the lead of its dialog (now), for message events that name no lead. */
  async messageLeads(m: EntityManager, refs: Array<{ accountId: string; messageId: string }>): Promise<Map<string, string | null>> {
    if (refs.length === 0) return new Map();
    const rows = (await m.query(
      `SELECT msg.id, d.lead_id
         FROM unnest($1::uuid[], $2::uuid[]) AS k(account_id, message_id)
         JOIN messages msg ON msg.id = k.message_id AND msg.account_id = k.account_id
         JOIN dialogs d ON d.id = msg.dialog_id AND d.account_id = msg.account_id`,
      [refs.map((r) => r.accountId), refs.map((r) => r.messageId)],
    )) as Array<{ id: string; lead_id: string | null }>;
    return new Map(rows.map((r) => [r.id, r.lead_id]));
  }

  async leads(m: EntityManager, refs: Array<{ accountId: string; leadId: string }>): Promise<Map<string, LeadFacts>> {
    if (refs.length === 0) return new Map();
    const rows = (await m.query(
      `SELECT l.id, l.client_id, l.dialog_id
         FROM unnest($1::uuid[], $2::uuid[]) AS k(account_id, lead_id)
         JOIN leads l ON l.id = k.lead_id AND l.account_id = k.account_id`,
      [refs.map((r) => r.accountId), refs.map((r) => r.leadId)],
    )) as Array<{ id: string; client_id: string | null; dialog_id: string }>;
    return new Map(rows.map((r) => [r.id, { clientId: r.client_id, dialogId: r.dialog_id }]));
  }

  /**
   * Inserts the planned records (existing ones are kept: a redelivered event changes nothing), clients first, then
   * leads, then messages, each pointing at its parent's record. `dueAt` is the application clock's now.
   */
  async insert(m: EntityManager, records: readonly PlannedRecord[], dueAt: Date): Promise<number> {
    let inserted = 0;
    for (const entity of ['client', 'lead', 'message'] as const satisfies readonly SyncEntity[]) {
      const level = records.filter((r) => r.entity === entity);
      if (level.length > 0) inserted += await this.insertLevel(m, level, dueAt);
    }
    const integrations = new Map(records.map((r) => [r.integrationId, r.accountId]));
    if (integrations.size > 0) {
      await m.query(
        `INSERT INTO integration_rate_limits (integration_id, account_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT (integration_id) DO NOTHING`,
        [[...integrations.keys()], [...integrations.values()]],
      );
    }
    return inserted;
  }

  private async insertLevel(m: EntityManager, records: readonly PlannedRecord[], dueAt: Date): Promise<number> {
    const rows = records.map((r, ord) => ({
      ord,
      account_id: r.accountId,
      integration_id: r.integrationId,
      entity_type: r.entity,
      entity_id: r.entityId,
      lead_id: r.leadId,
      dialog_id: r.dialogId,
      channel_id: r.channelId,
      parent_type: r.parent?.entity ?? null,
      parent_entity_id: r.parent?.entityId ?? null,
    }));
    const result = (await m.query(
      `INSERT INTO integration_sync_jobs
              (account_id, integration_id, entity_type, entity_id, operation, lead_id, dialog_id, channel_id, parent_id, next_attempt_at)
       SELECT r.account_id, r.integration_id, r.entity_type, r.entity_id, $2, r.lead_id, r.dialog_id, r.channel_id,
              (SELECT p.id FROM integration_sync_jobs p
                WHERE p.integration_id = r.integration_id AND p.account_id = r.account_id AND p.entity_type = r.parent_type
                  AND p.entity_id = r.parent_entity_id AND p.operation = $2),
              $3
         FROM jsonb_to_recordset($1::jsonb) AS r(ord int, account_id uuid, integration_id uuid, entity_type text, entity_id uuid,
              lead_id uuid, dialog_id uuid, channel_id uuid, parent_type text, parent_entity_id uuid)
        ORDER BY r.ord
       ON CONFLICT ON CONSTRAINT ${UNIQUE_KEYS.syncJob} DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows), FORWARD_OPERATION, dueAt],
    )) as unknown[];
    return result.length;
  }
}
