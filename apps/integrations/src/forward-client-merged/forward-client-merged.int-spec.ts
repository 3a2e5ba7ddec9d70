import type { RunningService } from '@crm/service-kit';
import { FakeAmocrmServer, jsonRequest, waitFor } from '@crm/testing';
import type { ApiConfig } from '../../../api/src/config/api.config';
import { startApiInstance } from '../../../api/src/testing/flow-helpers';
import { ForwardingHarness } from '../testing/forwarding-harness';
import { mergeNoteText } from './merge-note';

// DESIGN §4 POST /clients/:id/merge → client.merged (one per lead of the survivor) → the integrations service: a
// comment on each CRM lead the survivor's leads were synced to, once, found by its marker on a redelivery.
describe('integrations service: two clients merged (real Kafka + Postgres, fake Bitrix24)', () => {
  let h: ForwardingHarness;
  beforeAll(async () => {
    h = await ForwardingHarness.start();
  }, 90_000);
  afterAll(() => h?.close());

  const comments = (bitrixLeadId: string) => [...h.b24.portal.comments.values()].filter((c) => c.ENTITY_TYPE === 'lead' && c.ENTITY_ID === bitrixLeadId);

  it('each synced lead of the survivor gets one merge comment; a redelivered event adds no second one', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId, name: 'Бот продаж' });
    await h.send(channel, { chatId: 'merge-1', name: 'Анна' }, { chatId: 'merge-2', name: 'Анна Кузнецова' });
    const records = await h.waitForRecords(integrationId, 6);
    const clients = records.filter((r) => r.entity_type === 'client').map((r) => r.entity_id);
    const leads = records.filter((r) => r.entity_type === 'lead');
    expect(clients).toHaveLength(2);
    const [survivor, merged] = clients;

    const res = await h.request('POST', `/api/v1/clients/${merged}/merge`, { intoClientId: survivor });
    expect(res.status).toBe(200);
    const text = mergeNoteText(survivor, merged);
    for (const lead of leads) {
      await waitFor(() => comments(lead.external_id!).some((c) => c.COMMENT.includes(text)), 20_000, `merge comment on CRM lead ${lead.external_id}`);
    }

    const events = (await h.crmEvents()).filter((e) => e.envelope.data.kind === 'client.merged');
    expect(events.map((e) => e.envelope.data.leadId).sort()).toEqual(leads.map((l) => l.entity_id).sort());
    for (const e of events) expect(e.envelope.data).toMatchObject({ clientId: survivor, mergedClientId: merged });
    const lookups = h.b24.executions('crm.timeline.comment.list');
    await h.redeliver(events);
    // The redeliveries are handled (a lookup by the note's marker finds each comment) and nothing is added.
    await waitFor(() => h.b24.executions('crm.timeline.comment.list') >= lookups + events.length, 20_000, 'the redeliveries looked the comments up');
    for (const lead of leads) expect(comments(lead.external_id!).filter((c) => c.COMMENT.includes(text))).toHaveLength(1);
  });
});

describe('integrations service: two clients merged (real Kafka + Postgres, fake amoCRM)', () => {
  let h: ForwardingHarness;
  let amo: FakeAmocrmServer;
  /** An api instance whose AMOCRM_BASE_URL points at the fake (same database, topics and secrets as h.api). */
  let api: RunningService<ApiConfig>;

  beforeAll(async () => {
    amo = await new FakeAmocrmServer().start();
    const baseUrl = `${amo.baseUrl}/{subdomain}`;
    h = await ForwardingHarness.start({ integrationsEnv: { AMOCRM_BASE_URL: baseUrl } });
    api = await startApiInstance({ ...h.api.env, AMOCRM_BASE_URL: baseUrl });
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await h?.close();
    await amo?.close();
  });

  const request = (method: string, path: string, body?: unknown) => jsonRequest(api.url, method, path, { token: h.admin, body });

  it('the survivor\'s synced leads get one merge note each, also after a redelivery', async () => {
    const acc = amo.addAccount();
    const created = await request('POST', '/api/v1/integrations', {
      type: 'amocrm',
      name: 'amoCRM',
      settings: { subdomain: acc.subdomain, clientId: acc.clientId, clientSecret: acc.clientSecret, redirectUri: acc.redirectUri, authCode: amo.issueAuthCode(acc.subdomain) },
    });
    expect(created.status).toBe(201);
    const integrationId = created.body.id;
    const channel = await h.channel({ integrationId, name: 'Бот продаж' });
    await h.send(channel, { chatId: 'amo-merge-1', name: 'Олег' }, { chatId: 'amo-merge-2', name: 'Олег Смирнов' });
    const records = await h.waitForRecords(integrationId, 6);
    const [survivor, merged] = records.filter((r) => r.entity_type === 'client').map((r) => r.entity_id);
    const leads = records.filter((r) => r.entity_type === 'lead');

    expect((await request('POST', `/api/v1/clients/${merged}/merge`, { intoClientId: survivor })).status).toBe(200);
    const text = mergeNoteText(survivor, merged);
    const notes = (lead: { external_id: string | null }) => acc.notesOf(Number(lead.external_id)).filter((n) => n.text.includes(text));
    for (const lead of leads) await waitFor(() => notes(lead).length === 1, 20_000, `merge note on amoCRM lead ${lead.external_id}`);

    const events = (await h.crmEvents()).filter((e) => e.envelope.data.kind === 'client.merged');
    expect(events).toHaveLength(2);
    const lookups = amo.apiCalls(acc.subdomain, 'GET /api/v4/leads/:id/notes');
    await h.redeliver(events);
    // The redeliveries are handled (a lookup by the note's marker finds each note) and nothing is added.
    await waitFor(() => amo.apiCalls(acc.subdomain, 'GET /api/v4/leads/:id/notes') >= lookups + events.length, 20_000, 'the redeliveries looked the notes up');
    for (const lead of leads) expect(notes(lead)).toHaveLength(1);
  });
});
