import { CrmHttpClient, CrmUrlPolicy } from '@crm/crm-port';
import { decryptJson, parseSecretsKey } from '@crm/secrets';
import type { RunningService } from '@crm/service-kit';
import { FakeAmocrmServer, jsonRequest, waitFor, type FakeAmocrmAccount } from '@crm/testing';
import type { ApiConfig } from '../../../apps/api/src/config/api.config';
import { startApiInstance } from '../../../apps/api/src/testing/flow-helpers';
import { ForwardingHarness } from '../../../apps/integrations/src/testing/forwarding-harness';
import { AmocrmAccess } from './amocrm-access';
import { AmocrmClient } from './amocrm-client';
import { PgAmocrmTokenStore } from './amocrm-token-store';
import { AmocrmCrmAdapter } from './amocrm.crm-adapter';

/** Note texts of an amoCRM lead, oldest first, without their header and marker lines. */
function noteTexts(acc: FakeAmocrmAccount, leadId: string): string[] {
  return acc.notesOf(Number(leadId)).map((n) => n.text.split('\n').slice(1, -1).join('\n'));
}

describe('integrations service: forwarding to amoCRM (real Kafka + Postgres, fake amoCRM)', () => {
  let h: ForwardingHarness;
  let amo: FakeAmocrmServer;
  /** An api instance whose AMOCRM_BASE_URL points at the fake (same database, topics and secrets as h.api). */
  let api: RunningService<ApiConfig>;
  let baseUrl: string;

  beforeAll(async () => {
    amo = await new FakeAmocrmServer().start();
    baseUrl = `${amo.baseUrl}/{subdomain}`;
    h = await ForwardingHarness.start({ integrationsEnv: { AMOCRM_BASE_URL: baseUrl, SYNC_MAX_ATTEMPTS: '2', CRM_HTTP_TIMEOUT_MS: '1000' } });
    api = await startApiInstance({ ...h.api.env, AMOCRM_BASE_URL: baseUrl });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
    await amo?.close();
  });
  afterEach(() => amo.clearFailures());

  const request = (method: string, path: string, body?: unknown) => jsonRequest(api.url, method, path, { token: h.admin, body });
  const settingsOf = (acc: FakeAmocrmAccount, auth: Record<string, unknown>) => ({ subdomain: acc.subdomain, clientId: acc.clientId, clientSecret: acc.clientSecret, redirectUri: acc.redirectUri, ...auth });

  async function integration(acc: FakeAmocrmAccount, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'amoCRM', settings: settingsOf(acc, { authCode: amo.issueAuthCode(acc.subdomain), ...extra }) });
    if (res.status !== 201) throw new Error(`integration not created: ${res.status} ${res.text}`);
    return res.body.id;
  }

  it('saving exchanges the code at once and stores the pair encrypted; a used code, a bad token and a wrong stage are refused', async () => {
    const acc = amo.addAccount();
    const code = amo.issueAuthCode(acc.subdomain);
    const created = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'amoCRM', settings: settingsOf(acc, { authCode: code }) });
    expect(created.status).toBe(201);
    expect(amo.grants(acc.subdomain, 'authorization_code')).toBe(1);
    // Default stage: the main pipeline's first open stage after the unsorted one.
    expect(created.body).toMatchObject({ status: 'active', settings: { subdomain: acc.subdomain, pipelineId: 7001, statusId: 70011, authCode: expect.stringMatching(/^••••/), oauth: '••••' } });
    expect(created.text).not.toContain(code);
    const [row] = await h.api.dataSource.query(`SELECT settings, secrets_encrypted FROM integrations WHERE id = $1`, [created.body.id]);
    // The pair is among the encrypted secrets only: not in the public settings, not in the answer.
    const stored = decryptJson<{ oauth: { accessToken: string; refreshToken: string } }>(row.secrets_encrypted, parseSecretsKey(h.api.env.SECRETS_KEY!));
    expect(stored.oauth).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(Object.keys(row.settings)).not.toContain('oauth');
    for (const secret of [code, stored.oauth.accessToken, stored.oauth.refreshToken]) {
      expect(JSON.stringify(row.settings) + row.secrets_encrypted + created.text).not.toContain(secret);
    }

    // The same code again: amoCRM refuses it (single use) → 422, nothing saved.
    const before = (await h.api.dataSource.query(`SELECT count(*)::int AS n FROM integrations`))[0].n;
    const reused = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'again', settings: settingsOf(acc, { authCode: code }) });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'AMOCRM_AUTH_CODE_INVALID', details: [{ path: 'settings.authCode' }] });
    expect(reused.body.message).toContain('20');
    const badToken = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'token', settings: settingsOf(acc, { longLivedToken: 'aaaaaaaaaa.bbbbbbbbbb.cccccccccc' }) });
    expect(badToken.body).toMatchObject({ statusCode: 422, code: 'AMOCRM_TOKEN_INVALID', details: [{ path: 'settings.longLivedToken' }] });
    const badStage = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'stage', settings: settingsOf(acc, { longLivedToken: amo.issueLongLivedToken(acc.subdomain), pipelineId: 7002, statusId: 70011 }) });
    expect(badStage.body).toMatchObject({ code: 'INTEGRATION_SETTINGS_INVALID', details: [{ path: 'settings.statusId' }] });
    expect((await h.api.dataSource.query(`SELECT count(*)::int AS n FROM integrations`))[0].n).toBe(before);

    // A PATCH keeping the (used) code re-checks with the stored pair instead of exchanging the code again.
    const renamed = await request('PATCH', `/api/v1/integrations/${created.body.id}`, { name: 'amoCRM продажи' });
    expect(renamed.body).toMatchObject({ name: 'amoCRM продажи', status: 'active' });
    expect(amo.grants(acc.subdomain, 'authorization_code')).toBe(1);
  });

  it('a conversation → contact search by the verified phone, one complex lead in the configured stage with the tag, notes in order', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc, { pipelineId: 7002, statusId: 70021 });
    const whatsapp = await h.channel({ integrationId, type: 'whatsapp', name: 'WhatsApp' });
    await h.send(whatsapp, { chatId: '79161112233', userId: '79161112233', name: 'Анна', text: 'Первое', phone: '+79161112233', phoneVerified: true });
    const [client, lead] = await h.waitForRecords(integrationId, 3);
    expect(amo.apiCalls(acc.subdomain, 'GET /api/v4/contacts')).toBe(1);
    expect(amo.callsOf('GET /api/v4/contacts', (c) => c.pathParams.sub === acc.subdomain)[0].query.query).toBe('9161112233');
    const amoLead = acc.leads.get(Number(lead.external_id))!;
    expect(amoLead).toMatchObject({ pipeline_id: 7002, status_id: 70021, contactIds: [Number(client.external_id)] });
    expect(amoLead.name).toContain(lead.entity_id);
    expect(amoLead.tags).toEqual(['crm-channels', 'WhatsApp «WhatsApp»']);
    expect(acc.contacts.get(Number(client.external_id))).toMatchObject({ name: 'Анна', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79161112233' }] }] });

    await h.send(whatsapp, { chatId: '79161112233', userId: '79161112233', text: 'Второе' }, { chatId: '79161112233', userId: '79161112233', text: 'Третье' });
    await h.waitForRecords(integrationId, 5);
    expect(noteTexts(acc, lead.external_id!)).toEqual(['Первое', 'Второе', 'Третье']);
    expect(acc.notesOf(Number(lead.external_id)).every((n) => n.note_type === 'common')).toBe(true);
    expect(amo.apiCalls(acc.subdomain, 'POST /api/v4/leads/complex')).toBe(1);
    // The lead id is what `GET /api/v4/leads?query=` finds it by.
    expect(acc.leads.size).toBe(1);
  });

  it('an existing contact is found by its phone written another way; a typed phone is never searched', async () => {
    const acc = amo.addAccount();
    const existing = acc.addContact('Клиент из amoCRM', '8 (916) 555-44-33');
    const integrationId = await integration(acc);
    const whatsapp = await h.channel({ integrationId, type: 'whatsapp', name: 'WhatsApp' });
    await h.send(whatsapp, { chatId: '79165554433', userId: '79165554433', text: 'Это я', phone: '+79165554433', phoneVerified: true });
    const [client, lead] = await h.waitForRecords(integrationId, 3);
    expect(client.external_id).toBe(String(existing));
    expect(acc.leads.get(Number(lead.external_id))!.contactIds).toEqual([existing]);

    const widget = await h.channel({ integrationId, type: 'widget', name: 'Сайт', autoMatch: true });
    await h.send(widget, { chatId: 'visitor-1', userId: 'visitor-1', name: 'Посетитель', text: 'Я тоже', phone: '+79165554433' });
    const rows = await h.waitForRecords(integrationId, 6);
    expect(rows[3].external_id).not.toBe(String(existing));
    expect(amo.apiCalls(acc.subdomain, 'GET /api/v4/contacts')).toBe(1);
    expect(acc.contacts.size).toBe(2);
  });

  it('an expired access token → one refresh; the next expiry refreshes with the rotated token', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc);
    const telegram = await h.channel({ integrationId });
    await h.send(telegram, { chatId: 'r1', text: 'до' });
    await h.waitForRecords(integrationId, 3);
    expect(amo.grants(acc.subdomain, 'refresh_token')).toBe(0);

    amo.expireAccessTokens(acc.subdomain);
    await h.send(telegram, { chatId: 'r1', text: 'после' });
    await h.waitForRecords(integrationId, 4);
    expect(amo.grants(acc.subdomain, 'refresh_token')).toBe(1);

    // The first refresh token is used up: a second refresh only works with the rotated one we stored.
    amo.expireAccessTokens(acc.subdomain);
    await h.send(telegram, { chatId: 'r1', text: 'ещё' });
    const rows = await h.waitForRecords(integrationId, 5);
    expect(amo.grants(acc.subdomain, 'refresh_token')).toBe(2);
    expect(amo.callsOf('oauth2/access_token', (c) => c.pathParams.sub === acc.subdomain && c.status !== 200)).toEqual([]);
    expect(noteTexts(acc, rows[1].external_id!)).toEqual(['до', 'после', 'ещё']);
    expect((await h.integrationRow(integrationId)).status).toBe('active');
  });

  it('two instances refreshing the same pair at once → one refresh call, both get the new token', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc);
    amo.expireAccessTokens(acc.subdomain);
    const [row] = await h.api.dataSource.query(`SELECT settings, secrets_encrypted FROM integrations WHERE id = $1`, [integrationId]);
    const key = parseSecretsKey(h.api.env.SECRETS_KEY!);
    const http = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: true }));
    // Two "instances": separate adapters and stores, each with its own connection opened from the same stored row.
    const instances = [0, 1].map(() => {
      const access = new AmocrmAccess(new AmocrmClient(http, 2000), new PgAmocrmTokenStore(h.api.dataSource, key));
      return { access, adapter: new AmocrmCrmAdapter(access, baseUrl) };
    });
    const secrets = decryptJson<Record<string, unknown>>(row.secrets_encrypted, key);
    const conns = instances.map((i) => i.adapter.connect({ settings: row.settings, secrets, integration: { id: integrationId, accountId: h.accountId } }));
    const tokens = await Promise.all(instances.map((i, n) => i.access.token(conns[n], true)));
    expect(amo.grants(acc.subdomain, 'refresh_token')).toBe(1);
    expect(tokens[0]).toBe(tokens[1]);
    expect(await Promise.all(instances.map((i, n) => i.adapter.verify(conns[n])))).toEqual([{ outcome: 'valid' }, { outcome: 'valid' }]);
    http.close();

    // End to end: a second integrations service instance; the expired token is refreshed once across both.
    const second = await h.startIntegrations('amo-second');
    try {
      amo.expireAccessTokens(acc.subdomain);
      const channel = await h.channel({ integrationId });
      for (let i = 0; i < 4; i++) await h.send(channel, { chatId: `two-${i}`, text: `сообщение ${i}` });
      await h.waitForRecords(integrationId, 12);
      expect(amo.grants(acc.subdomain, 'refresh_token')).toBe(2);
      expect(acc.leads.size).toBe(4);
    } finally {
      await second.close();
      h.integrations.splice(h.integrations.indexOf(second), 1);
    }
  });

  it('429 for a while → everything synced once it passes, no second lead', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc);
    const telegram = await h.channel({ integrationId });
    // The next 4 requests of the account get 429 (a non-JSON body, as amoCRM's may be).
    amo.failNext('*', { kind: 'reply', reply: { status: 429, text: 'Too Many Requests' } }, { times: 4, where: (r) => r.pathParams.sub === acc.subdomain });
    await h.send(telegram, { chatId: 't1', text: 'раз' }, { chatId: 't2', text: 'два' });
    const rows = await h.waitForRecords(integrationId, 6);
    expect(amo.callsOf('POST /api/v4/leads/complex', (c) => c.pathParams.sub === acc.subdomain).map((c) => c.status).slice(0, 5)).toEqual([429, 429, 429, 429, 200]);
    expect(acc.leads.size).toBe(2);
    // Two chats (two partitions): each lead got exactly its own message once.
    const perLead = rows.filter((r) => r.entity_type === 'lead').map((l) => noteTexts(acc, l.external_id!));
    expect(perLead.sort()).toEqual([['два'], ['раз']]);
  });

  it('an answer lost after the lead was created → the retry finds it by our id instead of adding a second', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc);
    const telegram = await h.channel({ integrationId });
    amo.failNext('POST /api/v4/leads/complex', { kind: 'delay', ms: 1050 }, { where: (r) => r.pathParams.sub === acc.subdomain });
    amo.failNext('POST /api/v4/leads/notes', { kind: 'delay', ms: 1050 }, { where: (r) => r.pathParams.sub === acc.subdomain });
    await h.send(telegram, { chatId: 'u1', text: 'один раз' });
    const [, lead] = await h.waitForRecords(integrationId, 3);
    expect(acc.leads.size).toBe(1);
    expect(amo.apiCalls(acc.subdomain, 'GET /api/v4/leads')).toBeGreaterThanOrEqual(1);
    expect(noteTexts(acc, lead.external_id!)).toEqual(['один раз']);
    expect(amo.apiCalls(acc.subdomain, 'GET /api/v4/leads/:id/notes')).toBeGreaterThanOrEqual(1);
  });

  it('refresh refused → integration error (re-authorize), records pending; a new code via PATCH sends them', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc);
    const telegram = await h.channel({ integrationId });
    amo.expireAccessTokens(acc.subdomain);
    amo.revokeRefreshTokens(acc.subdomain);
    await h.send(telegram, { chatId: 'x1', text: 'ждёт' });
    await waitFor(async () => (await h.integrationRow(integrationId)).status === 'error', 15_000);
    expect(await h.integrationRow(integrationId)).toEqual({ status: 'error', status_reason: 'AMOCRM_TOKEN_INVALID' });
    await waitFor(async () => (await h.records(integrationId)).length === 3, 10_000);
    expect((await h.records(integrationId)).every((r) => r.state === 'pending')).toBe(true);

    const fixed = await request('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { authCode: amo.issueAuthCode(acc.subdomain) } });
    expect(fixed.body).toMatchObject({ status: 'active', statusReason: null });
    const rows = await h.waitForRecords(integrationId, 3);
    expect(noteTexts(acc, rows[1].external_id!)).toEqual(['ждёт']);
  });

  it('amoCRM down at save time → saved as error; the re-check exchanges the code, stores the pair and forwarding starts', async () => {
    const acc = amo.addAccount();
    await amo.stop();
    let created;
    try {
      created = await request('POST', '/api/v1/integrations', { type: 'amocrm', name: 'amoCRM', settings: settingsOf(acc, { authCode: amo.issueAuthCode(acc.subdomain) }) });
    } finally {
      await amo.restart();
    }
    expect(created.body).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE' });
    const integrationId = created.body.id;
    await waitFor(async () => (await h.integrationRow(integrationId)).status === 'active', 15_000);
    expect(amo.grants(acc.subdomain, 'authorization_code')).toBe(1);
    const telegram = await h.channel({ integrationId });
    await h.send(telegram, { chatId: 'late', text: 'после проверки' });
    const rows = await h.waitForRecords(integrationId, 3);
    expect(noteTexts(acc, rows[1].external_id!)).toEqual(['после проверки']);
    expect(amo.grants(acc.subdomain, 'authorization_code')).toBe(1);
  });

  it('a lead amoCRM refuses (problem+json naming the field) → failed with the field; replay after the fix syncs it', async () => {
    const acc = amo.addAccount();
    const integrationId = await integration(acc, { pipelineId: 7001, statusId: 70012 });
    const telegram = await h.channel({ integrationId });
    const pipeline = acc.pipelines[0];
    const removed = pipeline.statuses.splice(pipeline.statuses.findIndex((s) => s.id === 70012), 1);
    await h.send(telegram, { chatId: 'f1', text: 'не пройдёт' });
    const failed = await waitFor(async () => {
      const rows = await h.records(integrationId);
      return rows.length === 3 && rows.every((r) => r.state === 'failed') && rows;
    }, 20_000);
    expect(failed.map((r) => r.last_error)).toEqual(['AMOCRM_VALIDATION_FAILED:status_id', 'AMOCRM_VALIDATION_FAILED:status_id', 'CRM_LEAD_NOT_SYNCED']);
    expect(acc.leads.size).toBe(0);

    pipeline.statuses.push(...removed);
    const replay = await request('POST', `/api/v1/integrations/${integrationId}/replay`, { state: 'failed' });
    expect(replay.status).toBeLessThan(300);
    const rows = await h.waitForRecords(integrationId, 3);
    expect(acc.leads.size).toBe(1);
    expect(acc.leads.get(Number(rows[1].external_id))!.status_id).toBe(70012);
    expect(noteTexts(acc, rows[1].external_id!)).toEqual(['не пройдёт']);
  });
});
