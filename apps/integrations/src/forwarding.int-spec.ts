import { waitFor } from '@crm/testing';
import { ForwardingHarness } from './testing/forwarding-harness';

/** Comments of a lead in the portal, oldest first, without their header and marker lines. */
function commentTexts(h: ForwardingHarness, bitrixLeadId: string): string[] {
  return [...h.b24.portal.comments.values()]
    .filter((c) => c.ENTITY_TYPE === 'lead' && c.ENTITY_ID === bitrixLeadId)
    .sort((a, b) => Number(a.ID) - Number(b.ID))
    .map((c) => c.COMMENT.split('\n').slice(1, -1).join('\n'));
}

describe('integrations service: forwarding to Bitrix24 (real Kafka + Postgres, fake portal)', () => {
  let h: ForwardingHarness;
  beforeAll(async () => {
    h = await ForwardingHarness.start({ integrationsEnv: { SYNC_MAX_ATTEMPTS: '2', SYNC_BATCH_LINGER_MS: '300' } });
  });
  afterAll(() => h?.close());
  afterEach(() => h.b24.clearFailures());

  it('the first message gives one contact, one lead with ORIGIN_ID and a comment; later messages add comments in order', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId, name: 'Бот продаж' });
    await h.send(channel, { chatId: 'c1', text: 'Первое', username: 'ivan_p' });
    const first = await h.waitForRecords(integrationId, 3);
    expect(first.map((r) => r.entity_type)).toEqual(['client', 'lead', 'message']);
    const [client, lead] = first;
    const bitrixLead = h.b24.portal.leads.get(lead.external_id!)!;
    expect(bitrixLead).toMatchObject({ ORIGINATOR_ID: 'crm-channels', ORIGIN_ID: lead.entity_id, CONTACT_ID: client.external_id, SOURCE_DESCRIPTION: 'Telegram «Бот продаж»' });
    expect(h.b24.portal.contacts.get(client.external_id!)).toMatchObject({ NAME: 'Иван Петров', IM: [{ VALUE: '@ivan_p', VALUE_TYPE: 'TELEGRAM' }] });
    // One request for all three: contact → lead → comment in one batch.
    expect(h.b24.calls.filter((c) => c.method === 'batch')).toHaveLength(1);

    await h.send(channel, { chatId: 'c1', text: 'Второе' }, { chatId: 'c1', text: 'Третье' });
    await h.waitForRecords(integrationId, 5);
    expect(commentTexts(h, bitrixLead.ID)).toEqual(['Первое', 'Второе', 'Третье']);
    expect(h.b24.executions('crm.lead.add')).toBe(1);
    expect(h.b24.executions('crm.contact.add')).toBe(1);

    // Visible to the frontend: the lead's sync, the integration's records, and sync.updated on crm.events.v1 (/events).
    const leadView = await h.request('GET', `/api/v1/leads/${lead.entity_id}`);
    expect(leadView.body.sync).toEqual([{ integrationId, state: 'synced', externalId: bitrixLead.ID, error: null }]);
    const listed = await h.request('GET', `/api/v1/integrations/${integrationId}/sync?state=synced&limit=2`);
    expect(listed.body.items.map((i: any) => i.entity)).toEqual(['client', 'lead']);
    const rest = await h.request('GET', `/api/v1/integrations/${integrationId}/sync?state=synced&cursor=${listed.body.nextCursor}`);
    expect(rest.body).toMatchObject({ items: [{ entity: 'message' }, { entity: 'message' }, { entity: 'message' }], nextCursor: null });
    expect((await h.request('GET', `/api/v1/integrations/${integrationId}/sync?state=failed`)).body.items).toEqual([]);
    const synced = await waitFor(async () => {
      const events = (await h.crmEvents()).filter((e) => e.envelope.data.kind === 'sync.updated' && e.envelope.data.sync?.integrationId === integrationId);
      return events.length === 5 && events;
    });
    expect(synced.find((e) => e.envelope.data.sync!.entity === 'lead')!.envelope).toMatchObject({
      accountId: h.accountId,
      channelId: channel.id,
      data: { dialogId: expect.any(String), sync: { entityId: lead.entity_id, state: 'synced', externalId: bitrixLead.ID } },
    });
  });

  it('a burst goes out in batches of at most 50 calls (contact → lead → comments), none refused by the portal', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId });
    const calls = h.b24.calls.length;
    const burst = Array.from({ length: 200 }, (_, i) => ({ chatId: `b${i % 40}`, text: `№${Math.floor(i / 40) + 1}` }));
    await h.send(channel, ...burst);
    const rows = await h.waitForRecords(integrationId, 40 * 2 + 200);
    const batches = h.b24.calls.slice(calls).filter((c) => c.method === 'batch');
    expect(batches.every((b) => b.status === 200 && b.subCalls!.length <= 50)).toBe(true);
    // 280 calls in batches of ≤ 50: 6 requests when full; a few more while events are still arriving.
    expect(batches.length).toBeLessThanOrEqual(10);
    expect(h.b24.calls.slice(calls).length).toBe(batches.length);
    for (const lead of rows.filter((r) => r.entity_type === 'lead').slice(0, 5)) expect(commentTexts(h, lead.external_id!)).toEqual(['№1', '№2', '№3', '№4', '№5']);
  });

  it('a verified phone finds the portal contact; a phone a widget visitor typed never does', async () => {
    const existing = h.b24.portal.addContact({ NAME: 'Клиент из CRM', PHONE: [{ VALUE: '+79001234567', VALUE_TYPE: 'WORK' }] });
    const integrationId = await h.integration();
    const whatsapp = await h.channel({ integrationId, type: 'whatsapp', name: 'WhatsApp' });
    const widget = await h.channel({ integrationId, type: 'widget', name: 'Сайт', autoMatch: true });
    const searchesBefore = h.b24.executions('crm.duplicate.findbycomm');

    await h.send(whatsapp, { chatId: '79001234567', userId: '79001234567', text: 'Это я', phone: '+79001234567', phoneVerified: true });
    const [client, lead] = await h.waitForRecords(integrationId, 3);
    expect(client.external_id).toBe(existing);
    expect(h.b24.portal.leads.get(lead.external_id!)!.CONTACT_ID).toBe(existing);

    await h.send(widget, { chatId: 'visitor-1', userId: 'visitor-1', name: 'Посетитель', text: 'Я тоже', phone: '8 900 123-45-67' });
    const rows = await h.waitForRecords(integrationId, 6);
    const visitor = rows[3];
    expect(visitor.entity_type).toBe('client');
    expect(visitor.external_id).not.toBe(existing);
    expect(h.b24.portal.contacts.get(visitor.external_id!)).toMatchObject({ NAME: 'Посетитель', PHONE: [{ VALUE: '+79001234567' }] });
    expect(h.b24.portal.leads.get(rows[4].external_id!)!.CONTACT_ID).toBe(visitor.external_id);
    expect(h.b24.executions('crm.duplicate.findbycomm') - searchesBefore).toBe(1);
  });

  it('redelivered events change nothing; what happened before the channel was linked is not forwarded', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId: null, name: 'Старый бот' });
    await h.send(channel, { chatId: 'old', text: 'До подключения' });
    await waitFor(async () => (await h.api.dataSource.query(`SELECT 1 FROM messages WHERE channel_id = $1`, [channel.id])).length === 1);
    await h.api.dataSource.query(`UPDATE channels SET integration_id = $1 WHERE id = $2`, [integrationId, channel.id]);
    await h.send(channel, { chatId: 'old', text: 'После подключения' });
    const rows = await h.waitForRecords(integrationId, 3);
    expect(commentTexts(h, rows[1].external_id!)).toEqual(['После подключения']);

    const mine = (await h.crmEvents()).filter((e) => e.envelope.channelId === channel.id && e.envelope.data.kind !== 'sync.updated');
    const calls = h.b24.calls.length;
    await h.redeliver(mine);
    await h.send(channel, { chatId: 'old', text: 'Ещё одно' });
    await h.waitForRecords(integrationId, 4);
    expect(commentTexts(h, rows[1].external_id!)).toEqual(['После подключения', 'Ещё одно']);
    expect((await h.records(integrationId)).map((r) => r.id).slice(0, 3)).toEqual(rows.map((r) => r.id));
    expect(h.b24.calls.length - calls).toBe(1);
  });

  it('a message received right after the link is forwarded although the platform dates it (in whole seconds) before', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId, name: 'Только что подключён' });
    // Telegram, WhatsApp and VK date messages in whole seconds; the clocks of the platform and ours differ too.
    const platformTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 2_000);
    await h.send(channel, { chatId: 'just-linked', text: 'Первое после подключения', sentAt: platformTime });
    const rows = await h.waitForRecords(integrationId, 3);
    expect(commentTexts(h, rows[1].external_id!)).toEqual(['Первое после подключения']);
  });

  it('a refused webhook turns the integration error, its records wait pending, and go out after PATCH', async () => {
    const hook = h.b24.addWebhook();
    const integrationId = await h.integration(hook);
    const channel = await h.channel({ integrationId });
    h.b24.revokeWebhook(hook.code);
    await h.send(channel, { chatId: 'r1', text: 'Ждём' });
    await waitFor(async () => (await h.integrationRow(integrationId)).status === 'error');
    const shown = await h.request('GET', `/api/v1/integrations/${integrationId}`);
    expect(shown.body).toMatchObject({ status: 'error', statusReason: 'BITRIX24_WEBHOOK_INVALID' });
    const waiting = await h.records(integrationId);
    expect(waiting.map((r) => [r.state, r.attempts])).toEqual([['pending', 0], ['pending', 0], ['pending', 0]]);

    expect((await h.request('PATCH', `/api/v1/integrations/${integrationId}`, { name: 'Bitrix24 (основной)' })).body.code).toBe('BITRIX24_WEBHOOK_INVALID');
    const fresh = h.b24.addWebhook();
    const fixed = await h.request('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { webhookUrl: fresh.url } });
    expect(fixed.body).toMatchObject({ status: 'active', statusReason: null });
    const rows = await h.waitForRecords(integrationId, 3);
    expect(commentTexts(h, rows[1].external_id!)).toEqual(['Ждём']);
  });

  it('a record the CRM refuses fails with its code after bounded attempts; replay after the fix syncs it, in order', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId });
    h.b24.failNext('crm.timeline.comment.add', { kind: 'error', status: 400, error: 'INVALID_ARG_VALUE', description: 'Invalid value of COMMENT' }, { times: Infinity });
    await h.send(channel, { chatId: 'v1', text: 'Раз' }, { chatId: 'v1', text: 'Два' });
    await waitFor(async () => (await h.records(integrationId)).filter((r) => r.state === 'failed').length === 2, 20_000, 'two failed comments');
    const failed = (await h.request('GET', `/api/v1/integrations/${integrationId}/sync?state=failed`)).body.items;
    expect(failed.map((r: any) => [r.entity, r.error, r.attempts])).toEqual([
      ['message', 'BITRIX24_INVALID_ARG_VALUE', 2],
      ['message', 'BITRIX24_INVALID_ARG_VALUE', 2],
    ]);
    const lead = (await h.records(integrationId))[1];
    expect((await h.request('GET', `/api/v1/leads/${lead.entity_id}`)).body.sync[0]).toMatchObject({ state: 'synced' });

    h.b24.clearFailures();
    expect((await h.request('POST', `/api/v1/integrations/${integrationId}/replay`, { state: 'failed' })).body).toEqual({ requeued: 2 });
    await h.waitForRecords(integrationId, 4);
    expect(commentTexts(h, lead.external_id!)).toEqual(['Раз', 'Два']);
    expect((await h.request('POST', `/api/v1/integrations/${integrationId}/replay`, { state: 'failed' })).body).toEqual({ requeued: 0 });
  });
});
