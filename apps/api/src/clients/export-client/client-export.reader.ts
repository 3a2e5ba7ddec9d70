import type { QueryRunner } from 'typeorm';
import type { ExportedClient, ExportedDialog, ExportedLead, ExportedMerge, ExportedMessage, ExportedRevision, ExportedSyncRecord } from './client-export.dto';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Messages per query while streaming a dialog. */
export const EXPORT_MESSAGE_BATCH = 500;

/** The reads of an export, all on one REPEATABLE READ snapshot (the caller's query runner), scoped to the account. */
export class ClientExportReader {
  constructor(
    private readonly q: QueryRunner,
    private readonly accountId: string,
    private readonly clientId: string,
  ) {}

  async client(): Promise<ExportedClient | null> {
    const [r] = (await this.q.query(`SELECT id, name, phone_e164, phone_verified, email, created_at FROM clients WHERE account_id = $1 AND id = $2`, [
      this.accountId,
      this.clientId,
    ])) as Array<{ id: string; name: string; phone_e164: string | null; phone_verified: boolean; email: string | null; created_at: Date }>;
    return r ? { id: r.id, name: r.name, phone: r.phone_e164, phoneVerified: r.phone_verified, email: r.email, createdAt: r.created_at.toISOString() } : null;
  }

  async leads(): Promise<ExportedLead[]> {
    const rows = (await this.q.query(
      `SELECT id, dialog_id, channel_id, funnel_id, stage_id, title, status, created_at FROM leads WHERE account_id = $1 AND client_id = $2 ORDER BY created_at, id`,
      [this.accountId, this.clientId],
    )) as Array<{ id: string; dialog_id: string; channel_id: string; funnel_id: string | null; stage_id: string | null; title: string; status: string; created_at: Date }>;
    return rows.map((r) => ({ id: r.id, dialogId: r.dialog_id, channelId: r.channel_id, funnelId: r.funnel_id, stageId: r.stage_id, title: r.title, status: r.status, createdAt: r.created_at.toISOString() }));
  }

  /** The client's dialogs (and those of its leads), oldest first, without their messages. */
  async dialogs(leadDialogIds: string[]): Promise<Array<Omit<ExportedDialog, 'messages'>>> {
    const rows = (await this.q.query(
      `SELECT d.id, d.channel_id, ch.type AS channel_type, d.external_chat_id, d.status, d.lead_id, d.context, d.created_at
         FROM dialogs d JOIN channels ch ON ch.id = d.channel_id AND ch.account_id = d.account_id
        WHERE d.account_id = $1 AND (d.client_id = $2 OR d.id = ANY($3::uuid[]))
        ORDER BY d.created_at, d.id`,
      [this.accountId, this.clientId, leadDialogIds],
    )) as Array<{ id: string; channel_id: string; channel_type: string; external_chat_id: string; status: string; lead_id: string | null; context: Record<string, unknown> | null; created_at: Date }>;
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      channelType: r.channel_type,
      externalChatId: r.external_chat_id,
      status: r.status,
      leadId: r.lead_id,
      context: r.context,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** One page of a dialog's messages (with their edit history) after `afterId`, oldest first (keyset on created_at, id). */
  async messages(dialogId: string, afterId: string | null): Promise<ExportedMessage[]> {
    const rows = (await this.q.query(
      `SELECT m.id, m.direction, m.kind, m.text, m.attachments, m.location, m.contact, m.context, m.status, m.error_code, m.external_id,
              m.sent_at, m.edited_at, m.deleted_at, m.created_at
         FROM messages m
        WHERE m.account_id = $1 AND m.dialog_id = $2
          AND ($3::uuid IS NULL OR (m.created_at, m.id) > (SELECT p.created_at, p.id FROM messages p WHERE p.account_id = $1 AND p.id = $3::uuid))
        ORDER BY m.created_at, m.id
        LIMIT ${EXPORT_MESSAGE_BATCH}`,
      [this.accountId, dialogId, afterId],
    )) as MessageRow[];
    const revisions = await this.revisions(rows.map((r) => r.id));
    return rows.map((r) => presentMessage(r, revisions.get(r.id) ?? []));
  }

  async syncRecords(leadIds: string[], dialogIds: string[]): Promise<ExportedSyncRecord[]> {
    const rows = (await this.q.query(
      `SELECT id, integration_id, entity_type, entity_id, lead_id, state, external_id, last_error, attempts, updated_at
         FROM integration_sync_jobs
        WHERE account_id = $1 AND ((entity_type = 'client' AND entity_id = $2) OR lead_id = ANY($3::uuid[]) OR dialog_id = ANY($4::uuid[]))
        ORDER BY seq`,
      [this.accountId, this.clientId, leadIds, dialogIds],
    )) as Array<{ id: string; integration_id: string; entity_type: string; entity_id: string; lead_id: string | null; state: string; external_id: string | null; last_error: string | null; attempts: number; updated_at: Date }>;
    return rows.map((r) => ({
      id: r.id,
      integrationId: r.integration_id,
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

  async merges(): Promise<ExportedMerge[]> {
    const rows = (await this.q.query(
      `SELECT merged_client_id, into_client_id, merged_at FROM client_merges
        WHERE account_id = $1 AND (merged_client_id = $2 OR into_client_id = $2) ORDER BY merged_at, id`,
      [this.accountId, this.clientId],
    )) as Array<{ merged_client_id: string; into_client_id: string; merged_at: Date }>;
    return rows.map((r) => ({ mergedClientId: r.merged_client_id, intoClientId: r.into_client_id, mergedAt: r.merged_at.toISOString() }));
  }

  private async revisions(messageIds: string[]): Promise<Map<string, ExportedRevision[]>> {
    const out = new Map<string, ExportedRevision[]>();
    if (messageIds.length === 0) return out;
    const rows = (await this.q.query(
      `SELECT message_id, text, attachments, edited_at FROM message_revisions WHERE account_id = $1 AND message_id = ANY($2::uuid[]) ORDER BY edited_at, id`,
      [this.accountId, messageIds],
    )) as Array<{ message_id: string; text: string | null; attachments: unknown[]; edited_at: Date }>;
    for (const r of rows) out.set(r.message_id, [...(out.get(r.message_id) ?? []), { text: r.text, attachments: r.attachments, editedAt: r.edited_at.toISOString() }]);
    return out;
  }
}

interface MessageRow {
  id: string;
  direction: string;
  kind: string;
  text: string | null;
  attachments: unknown[];
  location: Record<string, unknown> | null;
  contact: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  status: string;
  error_code: string | null;
  external_id: string | null;
  sent_at: Date | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

function presentMessage(r: MessageRow, revisions: ExportedRevision[]): ExportedMessage {
  return {
    id: r.id,
    direction: r.direction,
    kind: r.kind,
    text: r.text,
    attachments: r.attachments,
    location: r.location,
    contact: r.contact,
    context: r.context,
    status: r.status,
    errorCode: r.error_code,
    externalId: r.external_id,
    sentAt: iso(r.sent_at),
    editedAt: iso(r.edited_at),
    deletedAt: iso(r.deleted_at),
    createdAt: r.created_at.toISOString(),
    revisions,
  };
}
