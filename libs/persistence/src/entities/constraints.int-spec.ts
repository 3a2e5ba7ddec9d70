import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PG_CHECK_VIOLATION, PG_FOREIGN_KEY_VIOLATION, UNIQUE_KEYS, isUniqueViolation, pgErrorCode } from '../constraints';
import { createDataSource } from '../data-source';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import {
  AccountEntity,
  ChannelEntity,
  ClientEntity,
  ClientIdentityEntity,
  DialogEntity,
  FunnelEntity,
  FunnelStageEntity,
  IntegrationEntity,
  IntegrationSyncJobEntity,
  LeadEntity,
  MessageEntity,
  MessageRevisionEntity,
  OutboxEntity,
  ProcessedEventEntity,
} from './index';

/** Runs fn and returns the error it throws (fails the test if it does not throw). */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

async function expectUniqueViolation(constraint: string, fn: () => Promise<unknown>): Promise<void> {
  const err = await failure(fn);
  expect(pgErrorCode(err)).toBe('23505');
  expect((err as { driverError?: { constraint?: string } }).driverError?.constraint).toBe(constraint);
  expect(isUniqueViolation(err, constraint)).toBe(true);
}

describe('entities and database constraints (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let m: EntityManager;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url, applicationName: 'persistence-int-spec', poolSize: 4 }).initialize();
    m = ds.manager;
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function seed() {
    const account = await m.save(AccountEntity, { name: 'Acme' });
    const channel = await m.save(ChannelEntity, {
      accountId: account.id,
      type: 'telegram',
      name: 'Telegram бот',
      credentialFingerprint: randomUUID(),
    });
    const client = await m.save(ClientEntity, { accountId: account.id, name: 'Иван', phoneE164: '+79001234567' });
    const dialog = await m.save(DialogEntity, { accountId: account.id, channelId: channel.id, externalChatId: '42' });
    return { account, channel, client, dialog };
  }

  it('fills defaults and maps snake_case columns', async () => {
    const { channel, dialog } = await seed();
    const loaded = await m.findOneByOrFail(ChannelEntity, { id: channel.id });
    expect(loaded).toMatchObject({
      status: 'inactive',
      healthStatus: 'unknown',
      createLeadOnFirstMessage: false,
      findExistingLead: false,
      createClientOnFirstMessage: false,
      autoMatchClient: false,
      settings: {},
      revision: 1,
      deletedAt: null,
    });
    expect(loaded.createdAt).toBeInstanceOf(Date);
    const d = await m.findOneByOrFail(DialogEntity, { id: dialog.id });
    expect(d).toMatchObject({ status: 'open', unreadCount: 0, clientId: null, leadId: null });
    const msg = await m.save(MessageEntity, {
      accountId: d.accountId,
      dialogId: d.id,
      channelId: d.channelId,
      direction: 'in',
      status: 'received',
      text: 'Привет',
      externalId: 'm-1',
    });
    expect(await m.findOneByOrFail(MessageEntity, { id: msg.id })).toMatchObject({ kind: 'text', attachments: [] });
    const outbox = await m.save(OutboxEntity, {
      accountId: d.accountId,
      topic: 'channels.config.v1',
      messageKey: channel.id,
      eventType: 'channel.deleted',
      payload: null,
    });
    expect(outbox.id).toMatch(/^\d+$/);
    expect(await m.findOneByOrFail(OutboxEntity, { id: outbox.id })).toMatchObject({ payload: null, headers: {} });
  });

  it('messages are unique on (channel_id, direction, external_id); queued outbound with NULL external_id are not', async () => {
    const { account, channel, dialog } = await seed();
    const base = { accountId: account.id, dialogId: dialog.id, channelId: channel.id };
    await m.insert(MessageEntity, { ...base, direction: 'in', status: 'received', externalId: '100' });
    await expectUniqueViolation(UNIQUE_KEYS.messageExternalId, () =>
      m.insert(MessageEntity, { ...base, direction: 'in', status: 'received', externalId: '100', text: 'again' }),
    );
    // same external id in the other direction, or on another channel, is a different message
    await m.insert(MessageEntity, { ...base, direction: 'out', status: 'sent', externalId: '100' });
    const other = await m.save(ChannelEntity, { accountId: account.id, type: 'vk', name: 'VK' });
    const otherDialog = await m.save(DialogEntity, { accountId: account.id, channelId: other.id, externalChatId: '42' });
    await m.insert(MessageEntity, {
      ...base,
      channelId: other.id,
      dialogId: otherDialog.id,
      direction: 'in',
      status: 'received',
      externalId: '100',
    });
    await m.insert(MessageEntity, { ...base, direction: 'out', status: 'queued', externalId: null });
    await m.insert(MessageEntity, { ...base, direction: 'out', status: 'queued', externalId: null });
  });

  it('client identities are unique on (channel_id, external_user_id)', async () => {
    const { account, channel, client } = await seed();
    const identity = {
      accountId: account.id,
      clientId: client.id,
      channelId: channel.id,
      channelType: 'telegram' as const,
      externalUserId: '777',
      username: 'Ivan',
      matchRule: 'created' as const,
    };
    await m.insert(ClientIdentityEntity, { ...identity }); // insert() writes the generated id back into its argument
    const another = await m.save(ClientEntity, { accountId: account.id, name: 'Другой' });
    await expectUniqueViolation(UNIQUE_KEYS.clientIdentity, () =>
      m.insert(ClientIdentityEntity, { ...identity, clientId: another.id, matchRule: 'identity' }),
    );
    await m.insert(ClientIdentityEntity, { ...identity, externalUserId: '778' });
  });

  it('dialogs are unique on (channel_id, external_chat_id)', async () => {
    const { account, channel } = await seed();
    await expectUniqueViolation(UNIQUE_KEYS.dialogChat, () =>
      m.insert(DialogEntity, { accountId: account.id, channelId: channel.id, externalChatId: '42' }),
    );
    await m.insert(DialogEntity, { accountId: account.id, channelId: channel.id, externalChatId: '43' });
  });

  it('channels: same credentials twice in an account conflict, unless the first one is soft-deleted', async () => {
    const { account, channel } = await seed();
    const again = { accountId: account.id, type: 'telegram' as const, name: 'Дубль', credentialFingerprint: channel.credentialFingerprint };
    await expectUniqueViolation(UNIQUE_KEYS.channelCredential, () => m.insert(ChannelEntity, { ...again }));

    // another account, or another type, may use the same fingerprint
    const other = await m.save(AccountEntity, { name: 'Other' });
    await m.insert(ChannelEntity, { ...again, accountId: other.id });
    await m.insert(ChannelEntity, { ...again, type: 'vk' });
    // channels without credentials (widget) never conflict
    await m.insert(ChannelEntity, { accountId: account.id, type: 'widget', name: 'w1', publicKey: `pk_${randomUUID()}` });
    await m.insert(ChannelEntity, { accountId: account.id, type: 'widget', name: 'w2', publicKey: `pk_${randomUUID()}` });

    await m.softDelete(ChannelEntity, { id: channel.id });
    expect(await m.findOneBy(ChannelEntity, { id: channel.id })).toBeNull();
    expect((await m.findOneOrFail(ChannelEntity, { where: { id: channel.id }, withDeleted: true })).deletedAt).toBeInstanceOf(Date);
    const recreated = await m.save(ChannelEntity, { ...again });
    expect(recreated.id).not.toBe(channel.id);
    await expectUniqueViolation(UNIQUE_KEYS.channelCredential, () => m.insert(ChannelEntity, { ...again }));
  });

  it('channels: public_key is unique', async () => {
    const { account } = await seed();
    const publicKey = `pk_${randomUUID()}`;
    await m.insert(ChannelEntity, { accountId: account.id, type: 'widget', name: 'w', publicKey });
    await expectUniqueViolation(UNIQUE_KEYS.channelPublicKey, () =>
      m.insert(ChannelEntity, { accountId: account.id, type: 'widget', name: 'w', publicKey }),
    );
  });

  it('integration sync jobs are unique on (integration_id, entity_type, entity_id, operation)', async () => {
    const { account, client } = await seed();
    const integration = await m.save(IntegrationEntity, { accountId: account.id, type: 'bitrix24', name: 'B24' });
    const job = {
      accountId: account.id,
      integrationId: integration.id,
      entityType: 'client' as const,
      entityId: client.id,
      operation: 'upsert',
    };
    await m.insert(IntegrationSyncJobEntity, { ...job });
    await expectUniqueViolation(UNIQUE_KEYS.syncJob, () => m.insert(IntegrationSyncJobEntity, { ...job, state: 'failed' }));
    await m.insert(IntegrationSyncJobEntity, { ...job, operation: 'note' });
    const saved = await m.findOneByOrFail(IntegrationSyncJobEntity, { integrationId: integration.id, operation: 'upsert' });
    expect(saved).toMatchObject({ state: 'pending', attempts: 0, externalId: null });
    expect(saved.nextAttemptAt).toBeInstanceOf(Date);
  });

  it('processed events are unique on (consumer, event_id)', async () => {
    const eventId = randomUUID();
    await m.insert(ProcessedEventEntity, { consumer: 'lead-routing', eventId });
    await expectUniqueViolation(UNIQUE_KEYS.processedEvent, () => m.insert(ProcessedEventEntity, { consumer: 'lead-routing', eventId }));
    await m.insert(ProcessedEventEntity, { consumer: 'integrations', eventId });
  });

  it('message revisions are unique on (message_id, edited_at)', async () => {
    const { account, channel, dialog } = await seed();
    const msg = await m.save(MessageEntity, {
      accountId: account.id,
      dialogId: dialog.id,
      channelId: channel.id,
      direction: 'in',
      status: 'received',
      externalId: 'e-1',
    });
    const editedAt = new Date('2026-01-01T10:00:00Z');
    await m.insert(MessageRevisionEntity, { accountId: account.id, messageId: msg.id, text: 'old', editedAt });
    await expectUniqueViolation(UNIQUE_KEYS.messageRevision, () =>
      m.insert(MessageRevisionEntity, { accountId: account.id, messageId: msg.id, text: 'old', editedAt }),
    );
  });

  it('CHECK constraints reject unknown enum values and a status that does not fit the direction', async () => {
    const { account, channel, dialog } = await seed();
    const bad = [
      // Channel types: the list is the contracts' (writers validate it); the database rejects what is no type at all.
      () => m.insert(ChannelEntity, { accountId: account.id, type: 'Telegram bot' as never, name: 'x' }),
      () => m.insert(ChannelEntity, { accountId: account.id, type: '' as never, name: 'x' }),
      () => m.insert(ChannelEntity, { accountId: account.id, type: 'vk', name: 'x', status: 'paused' as never }),
      () => m.insert(DialogEntity, { accountId: account.id, channelId: channel.id, externalChatId: 'z', status: 'x' as never }),
      () => m.update(DialogEntity, { id: dialog.id }, { unreadCount: -1 }),
      () =>
        m.insert(MessageEntity, {
          accountId: account.id,
          dialogId: dialog.id,
          channelId: channel.id,
          direction: 'in',
          status: 'queued',
        }),
      () =>
        m.insert(MessageEntity, {
          accountId: account.id,
          dialogId: dialog.id,
          channelId: channel.id,
          direction: 'out',
          status: 'received',
        }),
      () => m.insert(IntegrationEntity, { accountId: account.id, type: 'salesforce' as never, name: 'x' }),
    ];
    for (const fn of bad) expect(pgErrorCode(await failure(fn))).toBe(PG_CHECK_VIOLATION);
  });

  it('foreign keys: optional links are nulled, a lead protects its dialog, and deleting the account removes everything', async () => {
    const { account, channel, client, dialog } = await seed();
    const integration = await m.save(IntegrationEntity, { accountId: account.id, type: 'amocrm', name: 'amo' });
    const funnel = await m.save(FunnelEntity, { accountId: account.id, name: 'Продажи' });
    const stage = await m.save(FunnelStageEntity, { accountId: account.id, funnelId: funnel.id, name: 'Новый', position: 0 });
    await m.update(ChannelEntity, { id: channel.id }, { integrationId: integration.id, funnelId: funnel.id, stageId: stage.id });
    await m.insert(ClientIdentityEntity, {
      accountId: account.id,
      clientId: client.id,
      channelId: channel.id,
      channelType: 'telegram',
      externalUserId: 'u1',
      matchRule: 'created',
    });
    const lead = await m.save(LeadEntity, {
      accountId: account.id,
      clientId: client.id,
      funnelId: funnel.id,
      stageId: stage.id,
      channelId: channel.id,
      dialogId: dialog.id,
      title: 'Заявка',
    });
    await m.update(DialogEntity, { id: dialog.id }, { clientId: client.id, leadId: lead.id });
    const msg = await m.save(MessageEntity, {
      accountId: account.id,
      dialogId: dialog.id,
      channelId: channel.id,
      direction: 'in',
      status: 'received',
      externalId: 'x1',
    });
    await m.insert(MessageRevisionEntity, { accountId: account.id, messageId: msg.id, editedAt: new Date() });
    await m.insert(IntegrationSyncJobEntity, {
      accountId: account.id,
      integrationId: integration.id,
      entityType: 'lead',
      entityId: lead.id,
      operation: 'upsert',
    });
    await m.insert(OutboxEntity, { accountId: account.id, topic: 'crm.events.v1', messageKey: dialog.id, eventType: 'lead.created', payload: {} });

    // a stage (hard) delete only unlinks it
    await m.delete(FunnelStageEntity, { id: stage.id });
    expect(await m.findOneByOrFail(ChannelEntity, { id: channel.id })).toMatchObject({ stageId: null, funnelId: funnel.id });
    expect(await m.findOneByOrFail(LeadEntity, { id: lead.id })).toMatchObject({ stageId: null, funnelId: funnel.id });
    // a dialog that a lead came from cannot be removed on its own
    expect(pgErrorCode(await failure(() => m.delete(DialogEntity, { id: dialog.id })))).toBe(PG_FOREIGN_KEY_VIOLATION);
    // an account of another tenant id is refused
    expect(pgErrorCode(await failure(() => m.insert(ClientEntity, { accountId: randomUUID(), name: 'x' })))).toBe(
      PG_FOREIGN_KEY_VIOLATION,
    );

    await m.delete(AccountEntity, { id: account.id });
    const counts = await m.query(`
      SELECT (SELECT count(*) FROM channels WHERE account_id = $1)::int
           + (SELECT count(*) FROM clients WHERE account_id = $1)::int
           + (SELECT count(*) FROM client_identities WHERE account_id = $1)::int
           + (SELECT count(*) FROM dialogs WHERE account_id = $1)::int
           + (SELECT count(*) FROM leads WHERE account_id = $1)::int
           + (SELECT count(*) FROM messages WHERE account_id = $1)::int
           + (SELECT count(*) FROM message_revisions WHERE account_id = $1)::int
           + (SELECT count(*) FROM integrations WHERE account_id = $1)::int
           + (SELECT count(*) FROM integration_sync_jobs WHERE account_id = $1)::int
           + (SELECT count(*) FROM funnels WHERE account_id = $1)::int
           + (SELECT count(*) FROM funnel_stages WHERE account_id = $1)::int
           + (SELECT count(*) FROM outbox WHERE account_id = $1)::int AS n`,
      [account.id],
    );
    expect(counts[0].n).toBe(0);
  });
});
