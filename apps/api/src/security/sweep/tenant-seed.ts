import { DataSource } from 'typeorm';
import { CHANNEL_TYPES, type ChannelType } from '@crm/contracts';

/** The entities an account was given, by kind (what path parameters and body ids of the sweep are filled with). */
export interface TenantEntities {
  accountId: string;
  channels: Record<ChannelType, string>;
  integration: string;
  funnel: string;
  stage: string;
  client: string;
  /** A second client (the survivor of a merge). */
  otherClient: string;
  dialog: string;
  /** An inbound message of `dialog` with one attachment (position 0). */
  message: string;
  lead: string;
  syncRecord: string;
}

/** A Telegram bot the platform fake knows, with a file: the telegram channel gets its token, the message the file. */
export interface SeedTelegram {
  secretsEncrypted: string;
  fileId: string;
}

type Query = (sql: string, params: unknown[]) => Promise<Array<{ id: string }>>;

/**
 * One real row of every kind the API exposes, in `accountId`: a channel of each type, an integration with a failed
 * sync record, a funnel with a stage, two clients (one with an identity), a dialog with an inbound message carrying an
 * attachment, a lead, an audit entry and a live event. Rows are written as routing and the connectors write them.
 */
export async function seedTenant(dataSource: DataSource, accountId: string, telegram: SeedTelegram): Promise<TenantEntities> {
  const insert: Query = (sql, params) => dataSource.query(sql, params);
  const one = async (sql: string, params: unknown[]) => (await insert(sql, params))[0].id;
  const integration = await one(
    `INSERT INTO integrations (account_id, type, name, status, settings) VALUES ($1, 'bitrix24', 'Bitrix24', 'active', '{"webhookUrl":"https://example.bitrix24.ru/rest/1/abc/"}') RETURNING id`,
    [accountId],
  );
  const funnel = await one(`INSERT INTO funnels (account_id, name, position) VALUES ($1, 'Продажи', 0) RETURNING id`, [accountId]);
  const stage = await one(`INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, 'Новый', 0) RETURNING id`, [accountId, funnel]);
  const channels = {} as Record<ChannelType, string>;
  for (const type of CHANNEL_TYPES) {
    channels[type] = await one(
      `INSERT INTO channels (account_id, type, name, status, integration_id, funnel_id, stage_id, secrets_encrypted) VALUES ($1, $2, $3, 'active', $4, $5, $6, $7) RETURNING id`,
      [accountId, type, `Канал ${type}`, integration, funnel, stage, type === 'telegram' ? telegram.secretsEncrypted : null],
    );
  }
  const channel = channels.telegram;
  const client = await one(`INSERT INTO clients (account_id, name, phone_e164, phone_verified) VALUES ($1, 'Иван', '+79001234567', true) RETURNING id`, [accountId]);
  const otherClient = await one(`INSERT INTO clients (account_id, name, phone_e164) VALUES ($1, 'Иван (дубль)', '+79001234567') RETURNING id`, [accountId]);
  await insert(
    `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, match_rule) VALUES ($1, $2, $3, 'telegram', 'tg-1', 'created') RETURNING id`,
    [accountId, client, channel],
  );
  const dialog = await one(
    `INSERT INTO dialogs (account_id, channel_id, external_chat_id, client_id, last_message_at, unread_count) VALUES ($1, $2, 'tg-1', $3, now(), 1) RETURNING id`,
    [accountId, channel, client],
  );
  const message = await one(
    `INSERT INTO messages (account_id, dialog_id, channel_id, direction, kind, text, attachments, external_id, status, sender_external_user_id, sent_at)
     VALUES ($1, $2, $3, 'in', 'image', 'фото', $4, 'm-1', 'received', 'tg-1', now()) RETURNING id`,
    [accountId, dialog, channel, JSON.stringify([{ kind: 'image', platformFileId: telegram.fileId, mimeType: 'image/jpeg' }])],
  );
  const lead = await one(
    `INSERT INTO leads (account_id, client_id, funnel_id, stage_id, channel_id, dialog_id, title) VALUES ($1, $2, $3, $4, $5, $6, 'Заявка') RETURNING id`,
    [accountId, client, funnel, stage, channel, dialog],
  );
  await insert(`UPDATE dialogs SET lead_id = $2 WHERE id = $1 RETURNING id`, [dialog, lead]);
  const syncRecord = await one(
    `INSERT INTO integration_sync_jobs (account_id, integration_id, entity_type, entity_id, operation, state, attempts, last_error, lead_id, channel_id)
     VALUES ($1, $2, 'lead', $3, 'create', 'failed', 3, 'HTTP 500', $3, $4) RETURNING id`,
    [accountId, integration, lead, channel],
  );
  await insert(`INSERT INTO audit_log (account_id, user_id, action, entity, entity_id) VALUES ($1, 'seed', 'client.exported', 'client', $2) RETURNING id`, [accountId, client]);
  await insert(
    `INSERT INTO live_events (account_id, source_id, type, data) VALUES ($1, $2, 'message.received', $3) RETURNING id`,
    [accountId, message, JSON.stringify({ channelId: channel, dialogId: dialog, messageId: message, occurredAt: new Date().toISOString() })],
  );
  return { accountId, channels, integration, funnel, stage, client, otherClient, dialog, message, lead, syncRecord };
}
