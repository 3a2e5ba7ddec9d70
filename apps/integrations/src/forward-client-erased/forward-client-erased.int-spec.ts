import { waitFor } from '@crm/testing';
import { ForwardingHarness } from '../testing/forwarding-harness';
import { ERASURE_NOTE_TEXT } from './erasure-note';

// DESIGN §4 DELETE /clients/:id → client.erased → the integrations service: a note on the CRM lead (no personal
// data), and the client's records still waiting are cancelled.
describe('integrations service: a client erased (real Kafka + Postgres, fake Bitrix24)', () => {
  let h: ForwardingHarness;
  beforeAll(async () => {
    h = await ForwardingHarness.start();
  }, 90_000);
  afterAll(() => h?.close());

  const comments = (bitrixLeadId: string) => [...h.b24.portal.comments.values()].filter((c) => c.ENTITY_TYPE === 'lead' && c.ENTITY_ID === bitrixLeadId);

  it('the CRM lead gets one note without personal data; a redelivered event adds no second one', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId, name: 'Бот продаж' });
    await h.send(channel, { chatId: 'erase-1', text: 'Мой секретный вопрос', name: 'Пётр Секретов', username: 'petr_secret', phone: '+79007654321' });
    const [client, lead] = await h.waitForRecords(integrationId, 3);
    const bitrixLeadId = lead.external_id!;

    const erased = await h.request('DELETE', `/api/v1/clients/${client.entity_id}`);
    expect(erased.status).toBe(200);
    const note = await waitFor(() => comments(bitrixLeadId).find((c) => c.COMMENT.includes(ERASURE_NOTE_TEXT)), 20_000, 'erasure note on the CRM lead');
    for (const personal of ['Пётр', 'Секретов', 'petr_secret', '79007654321', 'секретный', 'erase-1']) expect(note.COMMENT).not.toContain(personal);

    const events = (await h.crmEvents()).filter((e) => e.envelope.data.kind === 'client.erased' && e.envelope.data.clientId === client.entity_id);
    expect(events).toHaveLength(1);
    expect(events[0].envelope.data).toEqual({ kind: 'client.erased', dialogId: expect.any(String), clientId: client.entity_id, leadId: lead.entity_id });
    const lookups = h.b24.executions('crm.timeline.comment.list');
    await h.redeliver(events);
    // The redelivery is handled (a lookup by the note's marker finds it) and nothing is added.
    await waitFor(() => h.b24.executions('crm.timeline.comment.list') > lookups, 20_000, 'the redelivery looked the note up');
    expect(comments(bitrixLeadId).filter((c) => c.COMMENT.includes(ERASURE_NOTE_TEXT))).toHaveLength(1);
    // Neither the forwarding nor the erasure logged the person's text or name.
    expect(h.integrationLogs.some((l) => l.includes('client erasure forwarded'))).toBe(true);
    expect([...h.integrationLogs, ...h.api.logs].filter((l) => l.includes('Мой секретный вопрос') || l.includes('Пётр Секретов'))).toEqual([]);
  });

  it('records of the client still waiting (integration in error) are cancelled, and no note is attempted', async () => {
    const hook = h.b24.addWebhook();
    const integrationId = await h.integration(hook, 'Отклонённый портал');
    h.b24.revokeWebhook(hook.code);
    const channel = await h.channel({ integrationId, name: 'Второй бот' });
    await h.send(channel, { chatId: 'erase-2', text: 'Подождёт', name: 'Анна Ожидающая' });
    const waiting = await h.waitForRecords(integrationId, 3, 'pending');
    const clientId = waiting.find((r) => r.entity_type === 'client')!.entity_id;
    const added = h.b24.executions('crm.timeline.comment.add');

    expect((await h.request('DELETE', `/api/v1/clients/${clientId}`)).status).toBe(200);
    await waitFor(async () => (await h.records(integrationId)).length === 0, 20_000, 'pending records cancelled');
    expect(h.b24.executions('crm.timeline.comment.add')).toBe(added);
  });
});
