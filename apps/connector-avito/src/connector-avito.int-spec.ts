import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ConnectorTestKit, startConnector, type StartedConnector } from '@crm/connector-kit';
import { decodeEnvelope, InboundMessageData } from '@crm/contracts';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { FakeAvitoServer, type FakeAvitoAccount, freePort, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import type { ConnectorAvitoConfig } from './config/connector-avito.config';
import { connectorAvitoService } from './connector-avito.service-definition';

// The connector as a whole against real Kafka and Postgres and the fake Avito API: the channel from
// channels.config.v1, the webhook subscription, inbound webhooks with the listing, outbound replies, the shared token.
describe('connector-avito (real Kafka + Postgres, fake Avito)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  let avito: FakeAvitoServer;
  let db: TestDatabase;
  let pool: Pool;
  let kit: ConnectorTestKit;
  const connectors: Array<StartedConnector<ConnectorAvitoConfig>> = [];
  let publicUrl: string;
  let prefix: string;
  let account: FakeAvitoAccount;
  const accountId = randomUUID();
  const channelId = randomUUID();
  const hookSecret = randomBytes(24).toString('base64url');
  const hookUrl = (base = publicUrl, id = channelId, secret = hookSecret) => `${base}/webhooks/avito/${id}/${secret}`;

  const sql = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  const inboundOf = (messageId: string) => kit.inbound(channelId).filter((r) => r.value.data.externalMessageId === messageId);
  /** The first record of a message (on Kafka before the 200; our reader sees it a moment later). */
  const firstInbound = (messageId: string) => waitFor(() => inboundOf(messageId)[0], 5000, `inbound ${messageId}`);
  const statusOf = (messageId: string) =>
    waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === messageId), 20_000, `status of ${messageId}`);
  const lastHealth = () => kit.statuses('channel.health', channelId).at(-1)?.value.data;
  const text = (chatId: string, body: string, extra: Record<string, unknown> = {}) => avito.webhookOf(account, { chatId, type: 'text', content: { text: body }, ...extra });

  const publishChannel = (status: 'active' | 'inactive' = 'active', revision = 1, id = channelId, acc = account) =>
    kit.publishChannel({
      channelId: id,
      accountId,
      type: 'avito',
      name: 'Авито',
      status,
      revision,
      settings: { clientId: acc.clientId, userId: acc.userId },
      credentials: { clientSecret: acc.clientSecret },
      webhookSecret: id === channelId ? hookSecret : `${hookSecret}x`,
    });

  async function startAvitoConnector(): Promise<StartedConnector<ConnectorAvitoConfig>> {
    const running = await startConnector(connectorAvitoService, {
      kit,
      databaseUrl: db.url,
      port: await freePort(),
      ...(publicUrl ? { publicUrl } : {}),
      env: { AVITO_API_URL: avito.baseUrl, AVITO_CHAT_INFO_BUDGET_MS: '300', AVITO_HEALTH_INTERVAL_MS: '1000', AVITO_SEND_RETRY_WINDOW_MS: '10000' },
    });
    connectors.push(running);
    return running;
  }

  beforeAll(async () => {
    avito = await FakeAvitoServer.start();
    account = avito.addAccount({ name: 'Велосипеды' });
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection cut by the server (the database dropped at the end): the next query opens another
    await sql(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'avito', 'Авито', 'active')`, [channelId, accountId]);
    prefix = uniqueTopicPrefix('avito');
    kit = await ConnectorTestKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    await publishChannel();
    publicUrl = (await startAvitoConnector()).url;
  }, 90_000);

  afterAll(async () => {
    for (const c of connectors) await c.service.close();
    await kit?.close();
    await avito?.close();
    await pool?.end();
    await db?.drop();
  });

  it('subscribes PUBLIC_URL/webhooks/avito/:channelId/:hookSecret when the channel is active and reports it active', async () => {
    await waitFor(() => avito.subscriptionsOf(account).includes(hookUrl()) || undefined, 15_000, 'subscription');
    await waitFor(() => (lastHealth()?.status === 'active' ? true : undefined), 10_000, 'health active');
    expect(avito.callsOf('subscribe')[0].body).toEqual({ url: hookUrl() });
  });

  it('a u2i message is on channels.inbound.v1 before the 200, with the listing and the client name; chat info is cached', async () => {
    avito.addChat(account, { chatId: 'u2i-bike', item: { id: 4012345678, title: 'Велосипед Stels', price: '12 000 ₽' }, client: { id: 185733611, name: 'Иван' } });
    const answer = await avito.post(hookUrl(), text('u2i-bike', 'Ещё продаётся?', { id: 'm-bike-1' }));
    expect(answer.status).toBe(200);
    const record = await firstInbound('m-bike-1');
    expect(record.key).toBe(`${channelId}:u2i-bike`);
    const data = decodeEnvelope(Buffer.from(JSON.stringify(record.value)), InboundMessageData).data;
    expect(data).toMatchObject({
      channelType: 'avito',
      externalChatId: 'u2i-bike',
      kind: 'text',
      text: 'Ещё продаётся?',
      sender: { externalUserId: '185733611', displayName: 'Иван' },
      context: { item: { id: '4012345678', title: 'Велосипед Stels', url: 'https://www.avito.ru/items/4012345678', price: '12 000 ₽' }, avito: { chatType: 'u2i' } },
    });
    expect((await avito.post(hookUrl(), text('u2i-bike', 'Алло?', { id: 'm-bike-2' }))).status).toBe(200);
    expect((await firstInbound('m-bike-2')).value.data.context.item.title).toBe('Велосипед Stels');
    expect(avito.callsOf('chatInfo')).toHaveLength(1);
  });

  it('a wrong or missing hook secret → 404 and nothing produced; an unknown channel → 404; not JSON → 400', async () => {
    const probe = (n: number) => text('u2i-bike', 'x', { id: `m-404-${n}` });
    expect((await avito.post(hookUrl(publicUrl, channelId, 'wrong-secret'), probe(1))).status).toBe(404);
    expect((await avito.post(hookUrl(publicUrl, channelId, `${hookSecret}x`), probe(2))).status).toBe(404);
    expect((await avito.post(`${publicUrl}/webhooks/avito/${channelId}`, probe(3))).status).toBe(404);
    expect((await avito.post(`${publicUrl}/webhooks/avito/${channelId}/`, probe(4))).status).toBe(404);
    expect((await avito.post(hookUrl(publicUrl, randomUUID()), probe(5))).status).toBe(404);
    const bad = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payload":' });
    expect(bad.status).toBe(400);
    // A marker delivered after the refused calls: once it is seen, none of them can still arrive.
    expect((await avito.post(hookUrl(), text('u2i-bike', 'маркер', { id: 'm-404-marker' }))).status).toBe(200);
    await firstInbound('m-404-marker');
    expect(kit.inbound().filter((r) => String(r.value.data.externalMessageId).startsWith('m-404-') && r.value.data.externalMessageId !== 'm-404-marker')).toEqual([]);
    expect(lastHealth()?.status).toBe('active');
  });

  it('our own echo and system messages are answered 200 and never produced; every other kind is', async () => {
    avito.addChat(account, { chatId: 'u2u-kinds', client: { id: 555, name: 'Ольга' } });
    const before = kit.inbound(channelId).filter((r) => r.value.data.externalChatId === 'u2u-kinds').length;
    expect((await avito.post(hookUrl(), text('u2u-kinds', 'наш ответ', { id: 'echo-1', authorId: account.userId }))).status).toBe(200);
    expect((await avito.post(hookUrl(), avito.webhookOf(account, { chatId: 'u2u-kinds', type: 'system', id: 'sys-1', content: { flow_id: 'x' } }))).status).toBe(200);
    const kinds: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['image', { image: { sizes: { '140x105': 'https://i/s', '1280x960': 'https://i/l' } } }, { kind: 'image', attachments: [{ platformFileId: 'https://i/l' }] }],
      ['voice', { voice: { voice_id: 'vo-1' } }, { kind: 'voice', attachments: [{ platformFileId: 'vo-1' }] }],
      ['item', { item: { title: 'Диван', item_url: 'https://avito.ru/2', price_string: '5 000 ₽' } }, { kind: 'text', text: 'Диван\n5 000 ₽\nhttps://avito.ru/2' }],
      ['link', { link: { url: 'https://example.com', text: 'тут' } }, { kind: 'text' }],
      ['location', { location: { lat: 55.7, lon: 37.6, title: 'Офис' } }, { kind: 'location', location: { latitude: 55.7, longitude: 37.6 } }],
      ['call', { call: { status: 'missed' } }, { kind: 'unsupported', text: 'Пропущенный звонок', context: { call: { status: 'missed' } } }],
      ['file', {}, { kind: 'unsupported' }],
      ['deleted', {}, { event: 'delete' }],
    ];
    for (const [type, content, expected] of kinds) {
      const id = `kind-${type}`;
      expect((await avito.post(hookUrl(), avito.webhookOf(account, { chatId: 'u2u-kinds', type, content, id }))).status).toBe(200);
      expect((await firstInbound(id)).value.data).toMatchObject(expected);
    }
    expect(inboundOf('echo-1')).toHaveLength(0);
    expect(inboundOf('sys-1')).toHaveLength(0);
    expect(kit.inbound(channelId).filter((r) => r.value.data.externalChatId === 'u2u-kinds').length - before).toBe(kinds.length);
  });

  it('a redelivered webhook carries the same message id (lead-routing stores it once)', async () => {
    const body = text('u2i-bike', 'дубль', { id: 'm-dup' });
    expect((await avito.post(hookUrl(), body)).status).toBe(200);
    expect((await avito.post(hookUrl(), body)).status).toBe(200);
    await waitFor(() => (inboundOf('m-dup').length === 2 ? true : undefined), 5000, 'both deliveries');
    expect(new Set(inboundOf('m-dup').map((r) => r.value.data.externalMessageId))).toEqual(new Set(['m-dup']));
  });

  it('past the chat-info budget the message goes out at once and is re-published enriched when chat info answers', async () => {
    avito.addChat(account, { chatId: 'u2i-slow', item: { id: 77, title: 'Шкаф' }, client: { id: 9001, name: 'Пётр' }, infoDelayMs: 1200 });
    const answer = await avito.post(hookUrl(), text('u2i-slow', 'Шкаф ещё есть?', { id: 'm-slow' }));
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1000);
    expect((await firstInbound('m-slow')).value.data.context.item).toBeUndefined();
    const enriched = await waitFor(() => inboundOf('m-slow').find((r) => r.value.data.context.item), 10_000, 'late enrichment');
    expect(enriched.value.data).toMatchObject({ sender: { displayName: 'Пётр' }, context: { item: { title: 'Шкаф' }, avito: { enrichment: 'late' } } });
  });

  describe('outbound replies', () => {
    it('sends a reply; a long one is split into parts of ≤ 1000 characters, in order', async () => {
      avito.addChat(account, { chatId: 'u2i-out', client: { id: 42, name: 'Анна' }, item: { id: 1, title: 'Лыжи' } });
      const short = await kit.publishOutbound({ accountId, channelId }, { channelType: 'avito', externalChatId: 'u2i-out', text: 'Да, продаётся' });
      expect((await statusOf(short.messageId)).value.data).toMatchObject({ status: 'sent', externalMessageId: expect.any(String) });
      const sentences = Array.from({ length: 80 }, (_, i) => `Часть ${i + 1}: подробности о доставке и оплате.`);
      const long = await kit.publishOutbound({ accountId, channelId }, { channelType: 'avito', externalChatId: 'u2i-out', text: sentences.join(' ') });
      expect((await statusOf(long.messageId)).value.data.status).toBe('sent');
      const parts = avito.sent.filter((s) => s.chatId === 'u2i-out').slice(1).map((s) => s.text);
      expect(parts.length).toBeGreaterThan(2);
      expect(parts.every((p) => p.length <= 1000)).toBe(true);
      expect(parts.join(' ')).toBe(sentences.join(' '));
    });

    it('honours Retry-After on 429', async () => {
      avito.failNext('sendText', { kind: 'rate-limit', retryAfterSeconds: 1 });
      const started = Date.now();
      const reply = await kit.publishOutbound({ accountId, channelId }, { channelType: 'avito', externalChatId: 'u2i-out', text: 'после паузы' });
      expect((await statusOf(reply.messageId)).value.data.status).toBe('sent');
      const tries = avito.callsOf('sendText').filter((c) => (c.body.message as { text?: string })?.text === 'после паузы');
      expect(tries.map((c) => c.status)).toEqual([429, 200]);
      expect(tries[1].at.getTime() - tries[0].at.getTime()).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('a token that expires mid-run is refreshed once across two connector instances', async () => {
      await startAvitoConnector();
      avito.addChat(account, { chatId: 'u2i-a', client: { id: 601, name: 'А' }, item: { id: 601, title: 'A' } });
      avito.addChat(account, { chatId: 'u2i-b', client: { id: 602, name: 'Б' }, item: { id: 602, title: 'B' } });
      await waitFor(async () => ((await fetch(`${connectors[1].url}/health`)).status === 200 ? true : undefined), 15_000, 'second instance');
      const tokensBefore = avito.callsOf('token').filter((c) => c.status === 200).length;
      avito.expireTokens(account);
      // Both instances hold the now-expired token; each needs chat info for a new chat at the same moment.
      const [a, b] = await Promise.all([
        avito.post(hookUrl(connectors[0].url), text('u2i-a', 'первый', { id: 'm-exp-a' })),
        avito.post(hookUrl(connectors[1].url), text('u2i-b', 'второй', { id: 'm-exp-b' })),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      await waitFor(() => inboundOf('m-exp-a').find((r) => r.value.data.context.item) && inboundOf('m-exp-b').find((r) => r.value.data.context.item), 10_000, 'enriched');
      expect(avito.callsOf('token').filter((c) => c.status === 200).length - tokensBefore).toBe(1);
      const stored = await sql(`SELECT token_ciphertext, client_id FROM avito_access_tokens WHERE channel_id = $1 AND account_id = $2`, [channelId, accountId]);
      expect(stored).toHaveLength(1);
      const lastToken = avito.callsOf('chatInfo').at(-1)!.token!;
      expect(stored[0].token_ciphertext).not.toContain(lastToken);
    });

    it('401 after a renewed token → the message fails AVITO_AUTH_REJECTED and the channel needs re-auth', async () => {
      avito.failNext('sendText', { kind: 'unauthorized' }, 2);
      const reply = await kit.publishOutbound({ accountId, channelId }, { channelType: 'avito', externalChatId: 'u2i-out', text: 'не дойдёт' });
      expect((await statusOf(reply.messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'AVITO_AUTH_REJECTED' });
      // The periodic check finds the credentials working again and reports active afterwards: look for the report.
      const health = await waitFor(() => kit.statuses('channel.health', channelId).map((r) => r.value.data).find((h) => h.status === 'needs-reauth'), 10_000, 'needs-reauth');
      expect(health).toMatchObject({ causeCode: 'AVITO_CREDENTIALS_INVALID' });
    });
  });

  it('re-subscribes when the subscription list lacks our URL, and unsubscribes on deactivation', async () => {
    avito.dropSubscription(account, hookUrl());
    await waitFor(() => avito.subscriptionsOf(account).includes(hookUrl()) || undefined, 15_000, 're-subscribed');
    await waitFor(() => (lastHealth()?.status === 'active' ? true : undefined), 10_000, 'active again');
    await publishChannel('inactive', 2);
    await waitFor(() => (avito.subscriptionsOf(account).includes(hookUrl()) ? undefined : true), 15_000, 'unsubscribed');
    expect((await avito.post(hookUrl(), text('u2i-bike', 'после отключения'))).status).toBe(404);
  });
});
