import type { EntityManager } from 'typeorm';
import { chatKey, createEnvelope, crmEventKey, Topics, type CrmEventData } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import type { OutboxRecord } from '@crm/outbox';

/** The title an erased client's leads keep (the original usually names the person). */
export const ERASED_LEAD_TITLE = 'Данные клиента удалены';
/** Error code an erased client's outbound messages that were still waiting end with. */
export const CLIENT_ERASED_ERROR = 'CLIENT_ERASED';

/** What an erasure touches: the client's rows, found before anything is changed. */
export interface ErasureScope {
  accountId: string;
  clientId: string;
  identities: Array<{ channelId: string; channelType: string; externalUserId: string }>;
  dialogs: Array<{ id: string; channelId: string; externalChatId: string; leadId: string | null }>;
  leads: Array<{ id: string; dialogId: string; channelId: string }>;
}

/** Locks the client (a concurrent routing/merge waits) and collects its identities, dialogs and leads. 404 if none. */
export async function loadErasureScope(m: EntityManager, accountId: string, clientId: string): Promise<ErasureScope> {
  const found = (await m.query(`SELECT id FROM clients WHERE account_id = $1 AND id = $2 FOR UPDATE`, [accountId, clientId])) as unknown[];
  if (found.length === 0) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND);
  const identities = (await m.query(
    `SELECT channel_id AS "channelId", channel_type AS "channelType", external_user_id AS "externalUserId"
       FROM client_identities WHERE account_id = $1 AND client_id = $2`,
    [accountId, clientId],
  )) as ErasureScope['identities'];
  const leads = (await m.query(
    `SELECT id, dialog_id AS "dialogId", channel_id AS "channelId" FROM leads WHERE account_id = $1 AND client_id = $2 ORDER BY created_at, id`,
    [accountId, clientId],
  )) as ErasureScope['leads'];
  const dialogs = (await m.query(
    `SELECT id, channel_id AS "channelId", external_chat_id AS "externalChatId", lead_id AS "leadId" FROM dialogs
      WHERE account_id = $1 AND (client_id = $2 OR id = ANY($3::uuid[])) ORDER BY created_at, id FOR UPDATE`,
    [accountId, clientId, leads.map((l) => l.dialogId)],
  )) as ErasureScope['dialogs'];
  return { accountId, clientId, identities, dialogs, leads };
}

/**
 * Message contents of the client's dialogs: texts, attachment references, locations, shared contacts, platform
 * extras, platform ids (a WhatsApp message id encodes the phone) and error texts; edit history is deleted. The rows
 * stay (direction, kind, status, times): anonymous counts. Outbound messages still waiting are failed. The
 * Idempotency-Keys of the replies go too (their fingerprint is a hash of the reply's text).
 */
export async function eraseMessages(m: EntityManager, s: ErasureScope): Promise<number> {
  const dialogIds = s.dialogs.map((d) => d.id);
  await m.query(
    `DELETE FROM message_revisions r USING messages msg
      WHERE r.account_id = $1 AND msg.account_id = $1 AND r.message_id = msg.id AND msg.dialog_id = ANY($2::uuid[])`,
    [s.accountId, dialogIds],
  );
  await m.query(
    `DELETE FROM reply_requests r USING messages msg
      WHERE r.account_id = $1 AND msg.account_id = $1 AND r.message_id = msg.id AND msg.dialog_id = ANY($2::uuid[])`,
    [s.accountId, dialogIds],
  );
  const [, count] = (await m.query(
    `UPDATE messages SET text = NULL, attachments = '[]', location = NULL, contact = NULL, context = NULL, external_id = NULL,
            reply_to_external_id = NULL, sender_external_user_id = NULL, error_message = NULL,
            status = CASE WHEN direction = 'out' AND status = 'queued' THEN 'failed' ELSE status END,
            error_code = CASE WHEN direction = 'out' AND status = 'queued' THEN $3 ELSE error_code END
      WHERE account_id = $1 AND dialog_id = ANY($2::uuid[])`,
    [s.accountId, dialogIds, CLIENT_ERASED_ERROR],
  )) as [unknown, number];
  return count;
}

/**
 * The dialogs lose the platform chat id (so the sender's next message opens a new dialog with a new client, never
 * this one) and their platform extras, and are closed; the client's leads lose their title.
 */
export async function eraseDialogsAndLeads(m: EntityManager, s: ErasureScope): Promise<void> {
  await m.query(
    `UPDATE dialogs SET external_chat_id = 'erased:' || id::text, context = NULL, status = 'closed', closed_at = COALESCE(closed_at, now()),
            unread_count = 0, updated_at = now()
      WHERE account_id = $1 AND id = ANY($2::uuid[])`,
    [s.accountId, s.dialogs.map((d) => d.id)],
  );
  await m.query(`UPDATE leads SET title = $3, updated_at = now() WHERE account_id = $1 AND id = ANY($2::uuid[])`, [
    s.accountId,
    s.leads.map((l) => l.id),
    ERASED_LEAD_TITLE,
  ]);
}

/**
 * Copies outside the main tables: send commands for the client's chats in the outbox (published or not — an
 * unpublished one is not sent), Telegram album parts waiting to be assembled, VK messaging permissions of its user
 * ids, and the live events of its dialogs.
 */
export async function eraseCopies(m: EntityManager, s: ErasureScope): Promise<void> {
  const keys = s.dialogs.map((d) => chatKey(d.channelId, d.externalChatId));
  await m.query(`DELETE FROM outbox WHERE account_id = $1 AND topic = $2 AND message_key = ANY($3::text[])`, [s.accountId, Topics.ChannelsOutbound, keys]);
  await m.query(
    `DELETE FROM telegram_album_parts t USING unnest($2::uuid[], $3::text[]) AS k(channel_id, chat_id)
      WHERE t.account_id = $1 AND t.channel_id = k.channel_id AND t.external_chat_id = k.chat_id`,
    [s.accountId, s.dialogs.map((d) => d.channelId), s.dialogs.map((d) => d.externalChatId)],
  );
  const vk = s.identities.filter((i) => i.channelType === 'vk' && /^\d{1,18}$/.test(i.externalUserId));
  await m.query(
    `DELETE FROM vk_message_permissions p USING unnest($2::uuid[], $3::bigint[]) AS k(channel_id, user_id)
      WHERE p.account_id = $1 AND p.channel_id = k.channel_id AND p.user_id = k.user_id`,
    [s.accountId, vk.map((i) => i.channelId), vk.map((i) => i.externalUserId)],
  );
  await m.query(`DELETE FROM live_events WHERE account_id = $1 AND data->>'dialogId' = ANY($2::text[])`, [s.accountId, s.dialogs.map((d) => d.id)]);
}

/** The client row and (cascading) its identities: name, phone, e-mail, usernames, display names, platform user ids. */
export async function deleteClient(m: EntityManager, s: ErasureScope): Promise<void> {
  await m.query(`DELETE FROM client_identities WHERE account_id = $1 AND client_id = $2`, [s.accountId, s.clientId]);
  await m.query(`DELETE FROM clients WHERE account_id = $1 AND id = $2`, [s.accountId, s.clientId]);
}

/**
 * client.erased on crm.events.v1 (ids only): one per lead of the client (keyed by its dialog), and one per dialog of
 * the client without such a lead — what the integrations service needs to annotate the CRM lead and cancel what waits.
 */
export function erasedEvents(s: ErasureScope, correlationId?: string): OutboxRecord[] {
  const event = (dialogId: string, channelId: string, leadId: string | null): OutboxRecord => {
    const data: CrmEventData = { kind: 'client.erased', dialogId, clientId: s.clientId, ...(leadId ? { leadId } : {}) };
    return {
      accountId: s.accountId,
      topic: Topics.CrmEvents,
      key: crmEventKey(dialogId),
      envelope: createEnvelope('crm.event', data, { accountId: s.accountId, channelId }),
      ...(correlationId ? { correlationId } : {}),
    };
  };
  const withLead = new Set(s.leads.map((l) => l.dialogId));
  return [
    ...s.leads.map((l) => event(l.dialogId, l.channelId, l.id)),
    ...s.dialogs.filter((d) => !withLead.has(d.id)).map((d) => event(d.id, d.channelId, null)),
  ];
}
