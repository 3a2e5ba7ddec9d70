import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, crmEventKey, Topics, type SyncEntity } from '@crm/contracts';
import type { ClientSnapshot, LeadSnapshot, MessageSnapshot, RecordState, RecordUpdate } from '@crm/crm-port';
import { enqueueOutbox, type OutboxRecord } from '@crm/outbox';
import { epochMs } from './pg-time';

/** A due record with what the worker needs besides its data. */
export interface WorkRecord extends RecordState {
  entity: SyncEntity;
  entityId: string;
  leadId: string | null;
  dialogId: string | null;
  channelId: string | null;
  parentId: string | null;
  parentState: 'pending' | 'synced' | 'failed' | null;
  parentExternalId: string | null;
  /** Epoch ms (application clock). */
  nextAttemptAt: number;
}

interface WorkRow {
  id: string;
  entity_type: SyncEntity;
  entity_id: string;
  lead_id: string | null;
  dialog_id: string | null;
  channel_id: string | null;
  parent_id: string | null;
  needs_lookup: boolean;
  phone_searched: boolean;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  parent_state: WorkRecord['parentState'];
  parent_external_id: string | null;
}

export interface Snapshots {
  clients: Map<string, ClientSnapshot>;
  leads: Map<string, LeadSnapshot>;
  messages: Map<string, MessageSnapshot>;
}

export interface Scope {
  integrationId: string;
  accountId: string;
}

/** Reads and writes of forwarding, always scoped to one integration of one account. */
@Injectable()
export class SyncWorkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Due pending records in recording order, except those that must wait: a record whose parent waits (backoff), a
   * comment behind an earlier comment of its lead that waits.
   */
  async dueRecords(scope: Scope, now: Date, limit: number): Promise<WorkRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT j.id, j.entity_type, j.entity_id, j.lead_id, j.dialog_id, j.channel_id, j.parent_id, j.needs_lookup, j.phone_searched,
              j.attempts, j.last_error, j.next_attempt_at, p.state AS parent_state, p.external_id AS parent_external_id
         FROM integration_sync_jobs j
         LEFT JOIN integration_sync_jobs p ON p.id = j.parent_id AND p.account_id = j.account_id
        WHERE j.integration_id = $1 AND j.account_id = $2 AND j.state = 'pending' AND j.next_attempt_at <= $3
          AND NOT COALESCE(p.state = 'pending' AND p.next_attempt_at > $3, false)
          AND NOT (j.entity_type = 'message' AND EXISTS (
                SELECT 1 FROM integration_sync_jobs b
                 WHERE b.integration_id = j.integration_id AND b.lead_id = j.lead_id AND b.entity_type = 'message'
                   AND b.state = 'pending' AND b.next_attempt_at > $3 AND b.seq < j.seq))
        ORDER BY j.seq
        LIMIT $4`,
      [scope.integrationId, scope.accountId, now, limit],
    )) as WorkRow[];
    return rows.map((r) => ({
      recordId: r.id,
      entity: r.entity_type,
      entityId: r.entity_id,
      leadId: r.lead_id,
      dialogId: r.dialog_id,
      channelId: r.channel_id,
      parentId: r.parent_id,
      needsLookup: r.needs_lookup,
      phoneSearched: r.phone_searched,
      attempts: r.attempts,
      error: r.last_error,
      nextAttemptAt: epochMs(r.next_attempt_at),
      parentState: r.parent_state,
      parentExternalId: r.parent_external_id,
    }));
  }

  /** The earliest due time after `now` of the integration's waiting records (null: none waits). */
  async nextDue(scope: Scope, now: Date): Promise<Date | null> {
    const [row] = (await this.dataSource.query(
      `SELECT min(next_attempt_at) AS t FROM integration_sync_jobs
        WHERE integration_id = $1 AND account_id = $2 AND state = 'pending' AND next_attempt_at > $3`,
      [scope.integrationId, scope.accountId, now],
    )) as Array<{ t: Date | null }>;
    return row?.t ? new Date(epochMs(row.t)) : null;
  }

  /** Current data of the records' clients, leads and messages (what the CRM gets is what we hold now). */
  async snapshots(accountId: string, records: readonly WorkRecord[]): Promise<Snapshots> {
    const ids = (entity: SyncEntity) => records.filter((r) => r.entity === entity).map((r) => r.entityId);
    const [clients, leads, messages] = [await this.clients(accountId, ids('client')), await this.leads(accountId, ids('lead')), await this.messages(accountId, ids('message'))];
    return { clients, leads, messages };
  }

  /** Before a step that may create records: mark them so a retry after a crash or unclear failure looks them up. */
  async markMayCreate(scope: Scope, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE integration_sync_jobs SET needs_lookup = true, updated_at = now()
        WHERE integration_id = $1 AND account_id = $2 AND id = ANY($3::uuid[]) AND state = 'pending'`,
      [scope.integrationId, scope.accountId, recordIds],
    );
  }

  /**
   * Writes the records' new states and, in the same transaction, a sync.updated CRM event (crm.events.v1, key =
   * dialog) for each record that became synced or failed — what /events shows.
   */
  async apply(scope: Scope, updates: readonly RecordUpdate[], records: ReadonlyMap<string, WorkRecord>): Promise<void> {
    if (updates.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE integration_sync_jobs j
            SET state = u.state, external_id = COALESCE(u.external_id, j.external_id), last_error = u.error, attempts = u.attempts,
                next_attempt_at = COALESCE(u.next_attempt_at, j.next_attempt_at), needs_lookup = u.needs_lookup,
                phone_searched = u.phone_searched, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, state text, external_id text, error text, attempts int,
                next_attempt_at timestamptz, needs_lookup boolean, phone_searched boolean)
          WHERE j.id = u.id AND j.integration_id = $2 AND j.account_id = $3 AND j.state = 'pending'`,
        [
          JSON.stringify(
            updates.map((u) => ({
              id: u.recordId,
              state: u.state,
              external_id: u.externalId,
              error: u.error,
              attempts: u.attempts,
              next_attempt_at: u.nextAttemptAt === null ? null : new Date(u.nextAttemptAt).toISOString(),
              needs_lookup: u.needsLookup,
              phone_searched: u.phoneSearched,
            })),
          ),
          scope.integrationId,
          scope.accountId,
        ],
      );
      await this.publish(m, scope, updates, records);
    });
  }

  /** The integration's credentials were refused: it turns `error` with the reason; its records wait. */
  async markIntegrationRejected(scope: Scope, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE integrations SET status = 'error', status_reason = $3, updated_at = now()
        WHERE id = $1 AND account_id = $2 AND status = 'active' AND deleted_at IS NULL`,
      [scope.integrationId, scope.accountId, reason],
    );
  }

  private async publish(m: EntityManager, scope: Scope, updates: readonly RecordUpdate[], records: ReadonlyMap<string, WorkRecord>): Promise<void> {
    const out: OutboxRecord[] = [];
    for (const u of updates) {
      const record = records.get(u.recordId);
      if (u.state === 'pending' || !record?.dialogId) continue;
      const data = {
        kind: 'sync.updated' as const,
        dialogId: record.dialogId,
        sync: {
          integrationId: scope.integrationId,
          recordId: u.recordId,
          entity: record.entity,
          entityId: record.entityId,
          ...(record.leadId ? { leadId: record.leadId } : {}),
          state: u.state,
          ...(u.externalId ? { externalId: u.externalId } : {}),
          ...(u.error ? { error: u.error } : {}),
          attempts: u.attempts,
        },
      };
      out.push({
        accountId: scope.accountId,
        topic: Topics.CrmEvents,
        key: crmEventKey(record.dialogId),
        envelope: createEnvelope('crm.event', data, { accountId: scope.accountId, ...(record.channelId ? { channelId: record.channelId } : {}) }),
      });
    }
    await enqueueOutbox(m, out);
  }

  private async clients(accountId: string, ids: string[]): Promise<Map<string, ClientSnapshot>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.name, c.phone_e164, c.phone_verified, ci.channel_type, ci.external_user_id, ci.username
         FROM clients c
         LEFT JOIN LATERAL (
              SELECT i.channel_type, i.external_user_id, i.username FROM client_identities i
               WHERE i.client_id = c.id AND i.account_id = c.account_id ORDER BY i.created_at, i.id LIMIT 1) ci ON true
        WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`,
      [accountId, ids],
    )) as Array<{ id: string; name: string; phone_e164: string | null; phone_verified: boolean; channel_type: string | null; external_user_id: string | null; username: string | null }>;
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.name,
          phoneE164: r.phone_e164,
          // Only a phone the platform vouched for may look a contact up (DESIGN §7): a typed one never attaches us to
          // someone else's contact.
          phoneVerified: r.phone_verified && r.phone_e164 !== null,
          identity: r.channel_type && r.external_user_id ? { channelType: r.channel_type, externalUserId: r.external_user_id, username: r.username } : null,
        },
      ]),
    );
  }

  private async leads(accountId: string, ids: string[]): Promise<Map<string, LeadSnapshot>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT l.id, l.title, c.name AS client_name, ch.id AS channel_id, ch.type AS channel_type, ch.name AS channel_name
         FROM leads l
         JOIN channels ch ON ch.id = l.channel_id AND ch.account_id = l.account_id
         LEFT JOIN clients c ON c.id = l.client_id AND c.account_id = l.account_id
        WHERE l.account_id = $1 AND l.id = ANY($2::uuid[])`,
      [accountId, ids],
    )) as Array<{ id: string; title: string; client_name: string | null; channel_id: string; channel_type: string; channel_name: string }>;
    return new Map(rows.map((r) => [r.id, { id: r.id, title: r.title, clientName: r.client_name, channel: { id: r.channel_id, type: r.channel_type, name: r.channel_name } }]));
  }

  private async messages(accountId: string, ids: string[]): Promise<Map<string, MessageSnapshot>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.direction, m.kind, m.text, m.attachments, COALESCE(m.sent_at, m.created_at) AS sent_at, m.deleted_at,
              ch.id AS channel_id, ch.type AS channel_type, ch.name AS channel_name
         FROM messages m
         JOIN channels ch ON ch.id = m.channel_id AND ch.account_id = m.account_id
        WHERE m.account_id = $1 AND m.id = ANY($2::uuid[])`,
      [accountId, ids],
    )) as Array<{ id: string; direction: 'in' | 'out'; kind: string; text: string | null; attachments: Array<{ kind: string; fileName?: string | null }> | null; sent_at: Date; deleted_at: Date | null; channel_id: string; channel_type: string; channel_name: string }>;
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          direction: r.direction,
          kind: r.kind,
          text: r.text,
          attachments: (r.attachments ?? []).map((a) => ({ kind: a.kind, fileName: a.fileName ?? null })),
          sentAt: r.sent_at,
          deleted: r.deleted_at !== null,
          channel: { id: r.channel_id, type: r.channel_type, name: r.channel_name },
        },
      ]),
    );
  }
}
