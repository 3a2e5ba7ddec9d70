import { waitFor } from '@crm/testing';
import { IntegrationClaims } from './forward-records/integration-claims';
import { ForwardingHarness } from './testing/forwarding-harness';

const HOUR = 3_600_000;

/**
 * Outages and contention. The application clock runs 3600× (one real second = one hour), with backoff from one minute
 * to one hour: a test covers hours of retries in seconds, with every due time computed by the service.
 */
describe('integrations service: rate limits, outages, unclear failures, several instances', () => {
  let h: ForwardingHarness;
  beforeAll(async () => {
    h = await ForwardingHarness.start({
      integrationsEnv: { SYNC_CLOCK_RATE: '3600', SYNC_BACKOFF_BASE_MS: '60000', SYNC_BACKOFF_MAX_MS: String(HOUR), CRM_HTTP_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    h.b24.clearFailures();
    await h.b24.restart();
  });

  const leadsWithOrigin = (leadId: string) => [...h.b24.portal.leads.values()].filter((l) => l.ORIGIN_ID === leadId);

  it('QUERY_LIMIT_EXCEEDED for a while: everything is synced later, with no second lead', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId });
    h.b24.failNext('batch', { kind: 'query-limit' }, { times: 4 });
    h.b24.failNext('batch', { kind: 'operation-time-limit', resetInSeconds: 1 });
    await h.send(channel, { chatId: 'q1', text: 'Много запросов' });
    const [, lead] = await h.waitForRecords(integrationId, 3);
    expect(h.b24.calls.filter((c) => c.error === 'QUERY_LIMIT_EXCEEDED')).toHaveLength(4);
    expect(h.b24.calls.filter((c) => c.error === 'OPERATION_TIME_LIMIT')).toHaveLength(1);
    expect(leadsWithOrigin(lead.entity_id)).toHaveLength(1);
    expect((await h.records(integrationId)).map((r) => r.attempts)).toEqual([0, 0, 0]);
  });

  it('the portal down for hours: records stay pending with growing backoff, nothing is lost, all go out once it is back', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId });
    await h.b24.stop();
    await h.send(channel, { chatId: 'o1', text: 'Раз' }, { chatId: 'o2', text: 'Два' }, { chatId: 'o1', text: 'Три' });
    const throttle = await waitFor(async () => {
      const [row] = await h.api.dataSource.query(`SELECT failures, blocked_until, updated_at FROM integration_rate_limits WHERE integration_id = $1`, [integrationId]);
      return row?.failures >= 9 && row;
    }, 30_000, 'nine failed attempts');
    // Backoff 1, 2, 4 … 60 minutes: nine failures are about five hours of the service's clock.
    const rows = await h.records(integrationId);
    expect(rows).toHaveLength(7);
    for (const r of rows) expect([r.state, r.last_error, r.attempts >= 6]).toEqual(['pending', 'BITRIX24_CONNECTION_FAILED', true]);
    expect(throttle.blocked_until.getTime() - rows[0].next_attempt_at.getTime()).toBeGreaterThan(4 * HOUR);
    expect(await h.integrationRow(integrationId)).toMatchObject({ status: 'active' });

    await h.b24.restart();
    const synced = await h.waitForRecords(integrationId, 7, 'synced', 20_000);
    expect(synced.map((r) => r.entity_type).sort()).toEqual(['client', 'client', 'lead', 'lead', 'message', 'message', 'message']);
    for (const lead of synced.filter((r) => r.entity_type === 'lead')) expect(leadsWithOrigin(lead.entity_id)).toHaveLength(1);
  });

  it('an unclear failure (carried out, answer lost): the retry finds the contact, the lead and the comment instead of adding seconds', async () => {
    const integrationId = await h.integration();
    const channel = await h.channel({ integrationId });
    h.b24.failNext('batch', { kind: 'process-then-drop' });
    await h.send(channel, { chatId: 'u1', text: 'Дошло?' });
    const [client, lead, message] = await h.waitForRecords(integrationId, 3);
    const marker = `[crm-channels:${message.entity_id}]`;
    expect([...h.b24.portal.contacts.values()].filter((c) => c.ORIGIN_ID === client.entity_id).map((c) => c.ID)).toEqual([client.external_id]);
    expect(leadsWithOrigin(lead.entity_id).map((l) => l.ID)).toEqual([lead.external_id]);
    expect([...h.b24.portal.comments.values()].filter((c) => c.COMMENT.includes(marker)).map((c) => c.ID)).toEqual([message.external_id]);
    expect(h.b24.executions('crm.lead.list')).toBeGreaterThanOrEqual(1);
    expect(h.b24.executions('crm.timeline.comment.list')).toBeGreaterThanOrEqual(1);
  });

  it('saved while the portal was unreachable: status error, re-checked in the background, then it forwards', async () => {
    const hook = h.b24.addWebhook();
    await h.b24.stop();
    const saved = await h.request('POST', '/api/v1/integrations', { type: 'bitrix24', name: 'Позже', settings: { webhookUrl: hook.url } });
    expect(saved.body).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE' });
    const channel = await h.channel({ integrationId: saved.body.id });
    await h.send(channel, { chatId: 'l1', text: 'Ждём портал' });
    await waitFor(async () => (await h.records(saved.body.id)).length === 3);
    await h.b24.restart();
    await waitFor(async () => (await h.integrationRow(saved.body.id)).status === 'active', 20_000, 'the re-check');
    await h.waitForRecords(saved.body.id, 3);
  });

  it('two instances: an integration is held by one at a time, and no record is sent twice', async () => {
    const second = await h.startIntegrations('second');
    const integrationIds = [await h.integration(), await h.integration()];
    const channels = [await h.channel({ integrationId: integrationIds[0] }), await h.channel({ integrationId: integrationIds[1] })];
    const before = { contacts: h.b24.executions('crm.contact.add'), leads: h.b24.executions('crm.lead.add'), comments: h.b24.executions('crm.timeline.comment.add') };
    for (let round = 0; round < 3; round++) {
      for (const channel of channels) {
        await h.send(channel, ...Array.from({ length: 15 }, (_, i) => ({ chatId: `m${i}`, text: `Сообщение ${round}` })));
      }
    }
    for (const id of integrationIds) await h.waitForRecords(id, 15 * 5, 'synced', 30_000);
    expect(h.b24.executions('crm.contact.add') - before.contacts).toBe(30);
    expect(h.b24.executions('crm.lead.add') - before.leads).toBe(30);
    expect(h.b24.executions('crm.timeline.comment.add') - before.comments).toBe(90);

    // The exclusion itself: while one instance holds an integration (its row locked), the other cannot claim it.
    // The integration is kept out of the running workers' reach (blocked far beyond their clocks) and claimed with an
    // even later "now".
    await h.api.dataSource.query(`UPDATE integration_rate_limits SET blocked_until = now() + interval '100000 hours' WHERE integration_id = $1`, [integrationIds[0]]);
    await h.send(channels[0], { chatId: 'lock', text: 'Кто первый' });
    await waitFor(async () => (await h.records(integrationIds[0])).some((r) => r.state === 'pending'));
    const far = new Date(Date.now() + 200_000 * HOUR);
    const [claimsA, claimsB] = [h.integrations[0].app.get(IntegrationClaims), second.app.get(IntegrationClaims)];
    const heldByA = await claimsA.claim(far, ['bitrix24']);
    expect(heldByA?.integrationId).toBe(integrationIds[0]);
    expect(await claimsB.claim(far, ['bitrix24'])).toBeNull();
    await claimsA.abandon(heldByA!);
    const heldByB = await claimsB.claim(far, ['bitrix24']);
    expect(heldByB?.integrationId).toBe(integrationIds[0]);
    await claimsB.abandon(heldByB!);
  });
});
