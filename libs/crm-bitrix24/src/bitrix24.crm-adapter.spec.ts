import { randomUUID } from 'node:crypto';
import { CrmHttpClient, CrmUrlPolicy, type ClientItem, type CrmStepResult, type LeadItem, type MessageItem, type RecordOutcome, type SyncItem } from '@crm/crm-port';
import { FakeBitrix24Server } from '@crm/testing';
import { planBitrix24Batch } from './bitrix24-batch-plan';
import { Bitrix24Client } from './bitrix24-client';
import { Bitrix24CrmAdapter, type Bitrix24Connection } from './bitrix24.crm-adapter';

const channel = { id: randomUUID(), type: 'telegram', name: 'Бот' };

function clientItem(over: Partial<ClientItem> & { phone?: string; verified?: boolean } = {}): ClientItem {
  const id = randomUUID();
  return {
    entity: 'client',
    recordId: randomUUID(),
    entityId: id,
    parentRecordId: null,
    parentExternalId: null,
    needsLookup: false,
    attempts: 0,
    phoneSearched: false,
    client: { id, name: 'Иван', phoneE164: over.phone ?? null, phoneVerified: over.verified ?? false, identity: { channelType: 'telegram', externalUserId: '42', username: 'ivan' } },
    ...over,
  };
}

function leadItem(client: ClientItem | null, over: Partial<LeadItem> = {}): LeadItem {
  const id = randomUUID();
  return {
    entity: 'lead',
    recordId: randomUUID(),
    entityId: id,
    parentRecordId: client?.recordId ?? null,
    parentExternalId: null,
    needsLookup: false,
    attempts: 0,
    lead: { id, title: 'Иван — Бот', clientName: 'Иван', channel },
    ...over,
  };
}

function messageItem(lead: LeadItem, text: string, over: Partial<MessageItem> = {}): MessageItem {
  const id = randomUUID();
  return {
    entity: 'message',
    recordId: randomUUID(),
    entityId: id,
    leadId: lead.entityId,
    parentRecordId: lead.recordId,
    parentExternalId: null,
    needsLookup: false,
    attempts: 0,
    message: { id, direction: 'in', kind: 'text', text, attachments: [], sentAt: new Date('2026-03-01T10:00:00Z'), deleted: false, channel },
    ...over,
  };
}

const byRecord = (result: CrmStepResult) => new Map(result.outcomes.map((o) => [o.recordId, o] as [string, RecordOutcome]));

describe('Bitrix24CrmAdapter against the fake portal', () => {
  let b24: FakeBitrix24Server;
  let http: CrmHttpClient;
  let adapter: Bitrix24CrmAdapter;
  let connection: Bitrix24Connection;
  let hookCode: string;

  beforeEach(async () => {
    b24 = await FakeBitrix24Server.start();
    const hook = b24.addWebhook({ scopes: ['crm'] });
    hookCode = hook.code;
    http = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: true }));
    adapter = new Bitrix24CrmAdapter(new Bitrix24Client(http, 2000));
    connection = adapter.connect({ settings: {}, secrets: { webhookUrl: hook.url } });
  });
  afterEach(async () => {
    http.close();
    await b24.close();
  });

  it('verify: valid; deleted or expired webhook → BITRIX24_WEBHOOK_INVALID; no crm scope → BITRIX24_SCOPE_MISSING naming it; down → unavailable', async () => {
    expect(await adapter.verify(connection)).toEqual({ outcome: 'valid' });
    b24.setScopes(hookCode, ['user']);
    expect(await adapter.verify(connection)).toMatchObject({ outcome: 'rejected', code: 'BITRIX24_SCOPE_MISSING', params: { scope: 'crm' } });
    b24.expireWebhook(hookCode);
    expect(await adapter.verify(connection)).toMatchObject({ outcome: 'rejected', code: 'BITRIX24_WEBHOOK_INVALID', detail: expect.stringContaining('expired_token') });
    b24.revokeWebhook(hookCode);
    expect(await adapter.verify(connection)).toMatchObject({ outcome: 'rejected', code: 'BITRIX24_WEBHOOK_INVALID', detail: expect.stringContaining('NO_AUTH_FOUND') });
    await b24.stop();
    expect(await adapter.verify(connection)).toMatchObject({ outcome: 'unavailable' });
    const strict = new Bitrix24CrmAdapter(new Bitrix24Client(new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: false })), 2000));
    expect(await strict.verify(connection)).toMatchObject({ outcome: 'rejected', code: 'INTEGRATION_SETTINGS_INVALID', detail: 'webhookUrl must use https' });
  });

  it('one batch: contact, the lead referencing it (ORIGINATOR_ID/ORIGIN_ID), its comments in order', async () => {
    const client = clientItem();
    const lead = leadItem(client);
    const first = messageItem(lead, 'Здравствуйте');
    const second = messageItem(lead, 'Да');
    second.message.direction = 'out';
    const step = adapter.plan(connection, [client, lead, first, second])!;
    expect(step.creates).toEqual([client.recordId, lead.recordId, first.recordId, second.recordId]);
    const outcomes = byRecord(await step.execute());
    expect(b24.calls).toHaveLength(1);
    expect(outcomes.get(client.recordId)).toEqual({ recordId: client.recordId, kind: 'synced', externalId: '1' });
    expect(outcomes.get(lead.recordId)).toMatchObject({ kind: 'synced', externalId: '1' });
    expect(b24.portal.contacts.get('1')).toMatchObject({ NAME: 'Иван', IM: [{ VALUE: '@ivan', VALUE_TYPE: 'TELEGRAM' }], ORIGINATOR_ID: 'crm-channels', ORIGIN_ID: client.entityId });
    expect(b24.portal.leads.get('1')).toMatchObject({ CONTACT_ID: '1', ORIGINATOR_ID: 'crm-channels', ORIGIN_ID: lead.entityId, SOURCE_DESCRIPTION: 'Telegram «Бот»' });
    const comments = [...b24.portal.comments.values()];
    expect(comments.map((c) => c.ENTITY_ID)).toEqual(['1', '1']);
    expect(comments[0].COMMENT).toMatch(/^Входящее сообщение · Telegram «Бот»[^\n]*\nЗдравствуйте\n\[crm-channels:/);
    expect(comments[1].COMMENT).toContain('Исходящее сообщение');
    expect(comments[1].COMMENT).toContain(`[crm-channels:${second.entityId}]`);
  });

  it('a verified phone is searched first (its lead waits); a typed one never is', async () => {
    b24.portal.addContact({ NAME: 'Старый клиент', PHONE: [{ VALUE: '+79001234567', VALUE_TYPE: 'WORK' }] });
    const verified = clientItem({ phone: '+79001234567', verified: true });
    const lead = leadItem(verified);
    const typed = clientItem({ phone: '+79001234567', verified: false });
    const step = adapter.plan(connection, [verified, lead, typed])!;
    expect(step.recordIds).toEqual([verified.recordId, typed.recordId]);
    const outcomes = byRecord(await step.execute());
    expect(outcomes.get(verified.recordId)).toMatchObject({ kind: 'synced', externalId: '1' });
    expect(outcomes.get(typed.recordId)).toMatchObject({ kind: 'synced', externalId: '2' });
    expect(b24.portal.contacts.get('2')!.NAME).toBe('Иван');

    const unknown = clientItem({ phone: '+79990000000', verified: true });
    expect(byRecord(await adapter.plan(connection, [unknown])!.execute()).get(unknown.recordId)).toEqual({ recordId: unknown.recordId, kind: 'not-found', phoneSearched: true });
    expect(adapter.plan(connection, [{ ...unknown, phoneSearched: true }])!.creates).toEqual([unknown.recordId]);
  });

  it('after an unclear failure the next attempt finds the lead by ORIGIN_ID and the comment by its marker', async () => {
    const lead = leadItem(null);
    const message = messageItem(lead, 'Привет');
    b24.failNext('batch', { kind: 'process-then-drop' });
    const lost = await adapter.plan(connection, [lead, message])!.execute();
    expect(lost.integration).toMatchObject({ kind: 'unavailable', unclear: true });
    expect(b24.portal.leads.size).toBe(1);

    const retryLead = await adapter.plan(connection, [{ ...lead, needsLookup: true }, { ...message, needsLookup: true }])!.execute();
    expect(retryLead.outcomes).toEqual([{ recordId: lead.recordId, kind: 'synced', externalId: '1' }]);
    const retryComment = await adapter.plan(connection, [{ ...message, needsLookup: true, parentExternalId: '1' }])!.execute();
    expect(retryComment.outcomes).toEqual([{ recordId: message.recordId, kind: 'synced', externalId: '1' }]);
    expect(b24.portal.leads.size).toBe(1);
    expect(b24.portal.comments.size).toBe(1);
  });

  it('a refused comment is a permanent error; what follows it is not executed; rate limits and refused webhooks are signals', async () => {
    const lead = leadItem(null, { parentExternalId: null });
    const a = messageItem(lead, 'a', { parentExternalId: '7' });
    b24.portal.methods['crm.lead.add'].run({ fields: { TITLE: 'existing' } }, 1);
    const other = leadItem(null);
    b24.failNext('crm.timeline.comment.add', { kind: 'error', status: 400, error: 'OWNER_NOT_FOUND', description: 'Owner entity not found' });
    const result = await adapter.plan(connection, [a, other])!.execute();
    expect(result.outcomes).toEqual([{ recordId: a.recordId, kind: 'error', code: 'BITRIX24_OWNER_NOT_FOUND', detail: 'Owner entity not found', permanent: true }]);
    expect(b24.portal.leads.size).toBe(1);

    b24.failNext('batch', { kind: 'query-limit' });
    expect((await adapter.plan(connection, [other])!.execute()).integration).toEqual({ kind: 'rate-limited', retryAfterMs: 1000 });
    b24.revokeWebhook(hookCode);
    expect((await adapter.plan(connection, [other])!.execute()).integration).toMatchObject({ kind: 'credentials-rejected', code: 'BITRIX24_WEBHOOK_INVALID' });
  });
});

describe('planBitrix24Batch (pure)', () => {
  it('fills at most 50 sub-calls and keeps later comments of a waiting lead out', () => {
    const work: SyncItem[] = [];
    for (let i = 0; i < 20; i++) {
      const c = clientItem();
      const l = leadItem(c);
      work.push(c, l, messageItem(l, `m${i}`));
    }
    const plan = planBitrix24Batch(work)!;
    expect(plan.commands).toHaveLength(50);
    expect(plan.commands[49].command).toMatch(/^crm\.lead\.add\?/);

    const lead = leadItem(null, { parentExternalId: null });
    const uncertain = messageItem(lead, 'first', { parentExternalId: '5', needsLookup: true });
    const later = messageItem(lead, 'second', { parentExternalId: '5' });
    const another = messageItem(lead, 'third', { parentExternalId: '5', needsLookup: true });
    const lookups = planBitrix24Batch([uncertain, later, another])!;
    expect(lookups.commands.map((c) => c.method)).toEqual(['crm.timeline.comment.list']);
    expect(lookups.creates).toEqual([]);
  });
});
