import { randomUUID } from 'node:crypto';
import type { BaseServiceConfig } from '@crm/config';
import { CrmEventData, decodeEnvelope, Topics } from '@crm/contracts';
import type { EventProducer } from '@crm/messaging';
import type { RunningService } from '@crm/service-kit';
import { readTopic, waitFor } from '@crm/testing';
import { SseReader } from '../../events/testing/sse-reader';
import { type ApiHarness, startApiHarness } from '../../testing/api-test-harness';
import { publishVisitorMessage, startLeadRouting, testProducer } from '../../testing/flow-helpers';

// DESIGN §4 PATCH /leads/:id and §7.3: a closed lead is never relinked; the client's next conversation gets a new lead.
describe('PATCH /api/v1/leads/:id: moving and closing leads (api + lead-routing, real Kafka and Postgres)', () => {
  let api: ApiHarness;
  let routing: RunningService<BaseServiceConfig>;
  let producer: EventProducer;
  let accountId: string;
  let admin: string;
  let agent: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  let otherFunnel: { id: string; stages: Array<{ id: string }> };
  let channelId: string;
  let stream: SseReader;

  const call = (method: string, path: string, body?: unknown, token = agent) => api.request(method, `/api/v1${path}`, { token, body });
  const created = async (method: string, path: string, body: unknown) => {
    const res = await call(method, path, body, admin);
    expect([method, path, res.status]).toEqual([method, path, 201]);
    return res.body;
  };
  /** The visitor writes through the widget connector (a normalized inbound message on Kafka). */
  const visitorWrites = (text: string) => publishVisitorMessage(producer, { accountId, channelId, visitorId: 'visitor-1', displayName: 'Анна', text });
  /** The dialog once lead-routing has stored the message. */
  const dialogAfter = async (externalMessageId: string) =>
    waitFor(async () => {
      const [row] = await api.dataSource.query(`SELECT d.id, d.lead_id FROM messages m JOIN dialogs d ON d.id = m.dialog_id WHERE m.external_id = $1`, [externalMessageId]);
      return row as { id: string; lead_id: string } | undefined;
    }, 20_000, `message ${externalMessageId} routed`);

  /** A new conversation of the same visitor: the open dialog is closed first, so the next message starts one. */
  const newConversation = async (text: string) => {
    await api.dataSource.query(`UPDATE dialogs SET status = 'closed', closed_at = now() WHERE channel_id = $1 AND status = 'open'`, [channelId]);
    return dialogAfter(await visitorWrites(text));
  };

  beforeAll(async () => {
    api = await startApiHarness();
    routing = await startLeadRouting(api.env);
    producer = await testProducer(api.env.KAFKA_TOPIC_PREFIX!, 'leads-test');
    accountId = await api.createAccount('Кофейня');
    admin = api.token(accountId, 'admin');
    agent = api.token(accountId, 'agent');
    funnel = await created('POST', '/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'Переговоры' }] });
    otherFunnel = await created('POST', '/funnels', { name: 'Опт', stages: [{ name: 'Заявка' }] });
    const channel = await created('POST', '/channels', {
      name: 'Виджет',
      type: 'widget',
      routing: { funnelId: funnel.id, stageId: null, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: false },
      settings: { allowedOrigins: ['https://coffee.example'] },
    });
    channelId = channel.id;
    stream = await SseReader.open(api.url, agent);
  }, 90_000);

  afterAll(async () => {
    await stream?.close();
    await producer?.disconnect();
    await routing?.close();
    await api?.close();
  });

  it('a lead closed as won is not relinked: the client’s next conversation gets a new lead', async () => {
    // First conversation: a client and a lead in the funnel's first stage.
    const first = await dialogAfter(await visitorWrites('Здравствуйте! Можно заказать торт?'));
    const leadId = first.lead_id;
    expect((await call('GET', `/leads/${leadId}`)).body).toMatchObject({ status: 'open', funnelId: funnel.id, stageId: funnel.stages[0].id, dialogId: first.id });

    // While it is open, the next conversation links the same lead (findExistingLead).
    expect((await call('POST', `/dialogs/${first.id}/close`)).status).toBe(200);
    expect((await dialogAfter(await visitorWrites('И ещё вопрос'))).lead_id).toBe(leadId);

    // An agent moves it on and closes it as won.
    const moved = await call('PATCH', `/leads/${leadId}`, { stageId: funnel.stages[1].id });
    expect([moved.status, moved.body.stageId, moved.body.status]).toEqual([200, funnel.stages[1].id, 'open']);
    const won = await call('PATCH', `/leads/${leadId}`, { status: 'won' });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({ id: leadId, status: 'won', funnelId: funnel.id, stageId: funnel.stages[1].id, sync: [] });
    expect((await call('GET', `/leads/${leadId}`)).body.status).toBe('won');

    // The next conversation of that client gets a new open lead; the won one stays won.
    expect((await call('POST', `/dialogs/${first.id}/close`)).status).toBe(200);
    const next = await dialogAfter(await visitorWrites('Хочу заказать ещё один'));
    expect(next.id).toBe(first.id);
    expect(next.lead_id).not.toBe(leadId);
    const fresh = (await call('GET', `/leads/${next.lead_id}`)).body;
    expect(fresh).toMatchObject({ status: 'open', funnelId: funnel.id, stageId: funnel.stages[0].id, clientId: won.body.clientId });
    expect((await call('GET', `/leads/${leadId}`)).body.status).toBe('won');
  });

  it('emits lead.updated on crm.events.v1 (through the outbox) and on /events, only for a real change', async () => {
    const dialog = await newConversation('Ещё один вопрос');
    const leadId = dialog.lead_id;
    const before = (await api.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE event_type = 'crm.event' AND payload->'data'->>'kind' = 'lead.updated'`))[0].n;
    expect((await call('PATCH', `/leads/${leadId}`, { status: 'lost', stageId: funnel.stages[1].id })).status).toBe(200);
    // Saying the same again changes nothing and emits nothing.
    expect((await call('PATCH', `/leads/${leadId}`, { status: 'lost' })).body.status).toBe('lost');
    const rows = await api.dataSource.query(`SELECT message_key, payload FROM outbox WHERE payload->'data'->>'kind' = 'lead.updated' ORDER BY id`);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1).message_key).toBe(dialog.id);

    const published = await waitFor(async () => {
      const records = await readTopic(`${api.env.KAFKA_TOPIC_PREFIX}${Topics.CrmEvents}`);
      const mine = records.filter((r) => r.value?.includes('lead.updated') && r.value.includes(leadId));
      return mine.length > 0 ? mine : undefined;
    }, 20_000, 'lead.updated on crm.events.v1');
    expect(published).toHaveLength(1);
    const envelope = decodeEnvelope(published[0].value!, CrmEventData);
    expect(envelope).toMatchObject({ accountId, channelId, data: { kind: 'lead.updated', dialogId: dialog.id, leadId, leadStatus: 'lost', funnelId: funnel.id, stageId: funnel.stages[1].id } });

    const live = await stream.next((e) => e.event === 'lead.updated' && e.data.leadId === leadId, 20_000, 'lead.updated on /events');
    expect(live.data).toMatchObject({ channelId, dialogId: dialog.id, leadStatus: 'lost', stageId: funnel.stages[1].id });
  });

  it('refuses a stage of another funnel or account, an unknown status, an empty body, another account’s lead', async () => {
    const dialog = await newConversation('Проверка');
    const leadId = dialog.lead_id;
    const otherAccount = await api.createAccount('Другая');
    const stranger = api.token(otherAccount, 'admin');
    const foreign = (await api.request('POST', '/api/v1/funnels', { token: stranger, body: { name: 'Чужая', stages: [{ name: 'Их этап' }] } })).body;
    const cases: Array<[unknown, number, string, string?]> = [
      [{ stageId: otherFunnel.stages[0].id }, 400, 'STAGE_NOT_IN_FUNNEL'],
      [{ stageId: foreign.stages[0].id }, 404, 'STAGE_NOT_FOUND'],
      [{ stageId: randomUUID() }, 404, 'STAGE_NOT_FOUND'],
      [{ stageId: 'not-a-uuid' }, 400, 'VALIDATION_FAILED'],
      [{ status: 'closed' }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ status: 'won', title: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ status: 'won' }, 404, 'LEAD_NOT_FOUND', stranger],
    ];
    for (const [body, status, code, token] of cases) {
      const res = await call('PATCH', `/leads/${leadId}`, body, token ?? agent);
      expect([body, res.status, res.body.code]).toEqual([body, status, code]);
    }
    expect((await call('PATCH', '/leads/nope', { status: 'won' })).status).toBe(404);
    expect((await call('GET', `/leads/${leadId}`)).body).toMatchObject({ status: 'open', stageId: funnel.stages[0].id });
    // Admins may do it too (agents did above).
    expect((await call('PATCH', `/leads/${leadId}`, { status: 'won' }, admin)).body.status).toBe('won');
  });

  it('sorts an unsorted lead into the funnel of the stage it is given', async () => {
    const dialog = await dialogAfter(await visitorWrites('Без воронки'));
    const [{ id: leadId }] = await api.dataSource.query(
      `INSERT INTO leads (account_id, client_id, channel_id, dialog_id, title, status) VALUES ($1, NULL, $2, $3, 'Без воронки', 'open') RETURNING id`,
      [accountId, channelId, dialog.id],
    );
    const res = await call('PATCH', `/leads/${leadId}`, { stageId: otherFunnel.stages[0].id });
    expect(res.body).toMatchObject({ id: leadId, funnelId: otherFunnel.id, stageId: otherFunnel.stages[0].id, status: 'open' });
  });

  it('documents PATCH /leads/{id} in OpenAPI with its body and an example', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    const patch = doc.paths['/api/v1/leads/{id}'].patch;
    expect(patch.requestBody.content['application/json'].schema.$ref).toMatch(/UpdateLeadDto$/);
    expect(patch.responses['200'].content['application/json'].example).toMatchObject({ status: 'won' });
    expect(doc.components.schemas.UpdateLeadDto.properties.status).toMatchObject({ enum: ['open', 'won', 'lost'], example: 'won' });
  });
});
