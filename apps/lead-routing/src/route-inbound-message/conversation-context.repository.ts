import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { leadTitle, type PreparedInbound } from '@crm/routing';

interface ListingRow {
  accountId: string;
  channelId: string;
  externalChatId: string;
  item: Record<string, unknown>;
  title: string;
}

/**
 * The listing a conversation is about (`context.item` of its inbound messages, DESIGN §4) onto its dialog — the first
 * listing seen wins — and, at that moment, onto the title of the dialog's own lead (the one created for it, never a
 * linked lead of another dialog). Runs after the plan is written, for new messages and redeliveries alike: a connector
 * that learned the listing only after its time budget re-publishes the message with it (same id: the message is
 * stored once) and this is what enriches the dialog and the lead later.
 */
@Injectable()
export class ConversationContextRepository {
  async apply(m: EntityManager, items: readonly PreparedInbound[]): Promise<void> {
    const rows = listingsOf(items);
    if (rows.length === 0) return;
    await m.query(
      `WITH r AS (
         SELECT account_id, channel_id, external_chat_id, item_json::jsonb AS item, title
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(account_id, channel_id, external_chat_id, item_json, title)
       ), enriched AS (
         UPDATE dialogs d SET context = COALESCE(d.context, '{}'::jsonb) || jsonb_build_object('item', r.item), updated_at = now()
           FROM r
          WHERE d.account_id = r.account_id AND d.channel_id = r.channel_id AND d.external_chat_id = r.external_chat_id
            AND (d.context IS NULL OR NOT d.context ? 'item')
         RETURNING d.id, d.account_id, d.lead_id, r.title
       )
       UPDATE leads l SET title = e.title, updated_at = now()
         FROM enriched e
        WHERE l.account_id = e.account_id AND l.id = e.lead_id AND l.dialog_id = e.id AND l.title <> e.title`,
      [rows.map((r) => r.accountId), rows.map((r) => r.channelId), rows.map((r) => r.externalChatId), rows.map((r) => JSON.stringify(r.item)), rows.map((r) => r.title)],
    );
  }
}

/** One row per chat: the first message of the batch that carries a listing with a title. */
function listingsOf(items: readonly PreparedInbound[]): ListingRow[] {
  const byChat = new Map<string, ListingRow>();
  for (const i of items) {
    const item = i.context?.item;
    if (i.event === 'delete' || typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const title = (item as { title?: unknown }).title;
    if (typeof title !== 'string' || title.trim() === '') continue;
    const key = `${i.channelId}\n${i.externalChatId}`;
    if (!byChat.has(key)) byChat.set(key, { accountId: i.accountId, channelId: i.channelId, externalChatId: i.externalChatId, item: item as Record<string, unknown>, title: leadTitle(i, '') });
  }
  return [...byChat.values()];
}
