import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { InboundMessageData, MessageStatusData } from '@crm/contracts';
import { ConnectorTestKit, startConnector } from '@crm/connector-kit';
import { EventProducer } from '@crm/messaging';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import type { RunningService } from '@crm/service-kit';
import { FakeGraphServer, freePort, testBrokers, uniqueTopicPrefix, waitFor, type FakeWaNumber } from '@crm/testing';
import type { ConnectorWhatsappConfig } from './config/connector-whatsapp.config';
import { connectorWhatsappService } from './connector-whatsapp.service-definition';

// The connector as a whole against real Kafka and Postgres and the fake Graph API: the registry from
// channels.config.v1, the verify handshake, signed webhooks of every kind, statuses, outbound sends and health.
describe('connector-whatsapp (real Kafka + Postgres, fake Graph API)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  const verifyToken = randomBytes(18).toString('base64url');
  let graph: FakeGraphServer;
  let number: FakeWaNumber;
  let db: TestDatabase;
  let pool: Pool;
  let kit: ConnectorTestKit;
  let connector: RunningService<ConnectorWhatsappConfig>;
  let publicUrl: string;
  const accountId = randomUUID();
  const channelId = randomUUID();
  const WA = '79161234567';

  const url = (id = channelId) => `${publicUrl}/webhooks/whatsapp/${id}`;
  const post = (value: Parameters<typeof FakeGraphServer.webhook>[1], options: { signature?: string | null; secret?: string } = {}) =>
    graph.deliverWebhook(url(), FakeGraphServer.webhook(number, value), options.secret ?? number.appSecret, { signature: options.signature });
  const inboundData = () => kit.inbound(channelId).map((r) => r.value.data as InboundMessageData);
  const statusOf = (messageId: string, status?: string) =>
    waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === messageId && (!status || r.value.data.status === status)), 15_000, `status of ${messageId}`);
  const sql = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  const msg = (id: string, type: string, content: Record<string, unknown>, from = WA) => ({ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type, ...content });

  beforeAll(async () => {
    graph = await FakeGraphServer.start();
    number = graph.addNumber();
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection cut by the server (the database dropped at the end): the next query opens another
    await sql(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'whatsapp', 'WhatsApp', 'active')`, [channelId, accountId]);
    const prefix = uniqueTopicPrefix('wa');
    kit = await ConnectorTestKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    await kit.publishChannel({
      channelId,
      accountId,
      type: 'whatsapp',
      name: 'WhatsApp',
      settings: { phoneNumberId: number.phoneNumberId, businessAccountId: number.wabaId },
      credentials: { accessToken: number.accessToken, appSecret: number.appSecret },
      webhookSecret: verifyToken,
    });
    ({ service: connector, url: publicUrl } = await startConnector(connectorWhatsappService, {
      kit,
      databaseUrl: db.url,
      port: await freePort(),
      env: { WHATSAPP_GRAPH_URL: graph.baseUrl, WHATSAPP_PRODUCE_TIMEOUT_MS: '2000', WHATSAPP_SEND_RETRY_WINDOW_MS: '5000', WHATSAPP_HEALTH_INTERVAL_MS: '1000' },
    }));
    // The registry is loaded once the webhook answers something other than 503.
    await waitFor(async () => (await graph.verifyCallback(url(), verifyToken)).status === 200, 20_000, 'connector ready');
  }, 90_000);

  afterAll(async () => {
    await connector?.close();
    await kit?.close();
    await graph?.close();
    await pool?.end();
    await db?.drop();
  });

  it('the GET handshake answers the raw challenge for the right verify token, 403 otherwise', async () => {
    const ok = await graph.verifyCallback(url(), verifyToken, '1158201444');
    expect(ok).toMatchObject({ status: 200, body: '1158201444' });
    expect((await graph.verifyCallback(url(), 'wrong-token')).status).toBe(403);
    expect((await graph.verifyCallback(url(randomUUID()), verifyToken)).status).toBe(404);
  });

  it('a signed batch of every kind becomes inbound messages (key channelId:wa_id) before the 200; reactions are skipped', async () => {
    const imageId = graph.addMedia(number.phoneNumberId, 'JPEG', 'image/jpeg');
    const messages = [
      msg('wamid.k1', 'text', { text: { body: 'Здравствуйте!' }, referral: { source_type: 'ad', ctwa_clid: 'ARA' } }),
      msg('wamid.k2', 'image', { image: { id: imageId, mime_type: 'image/jpeg', sha256: 'x', caption: 'вот' } }),
      msg('wamid.k3', 'audio', { audio: { id: '77', mime_type: 'audio/ogg', voice: true } }),
      msg('wamid.k4', 'location', { location: { latitude: 55.75, longitude: 37.61, name: 'Офис' } }),
      msg('wamid.k5', 'contacts', { contacts: [{ name: { formatted_name: 'Анна' }, phones: [{ phone: '+79035551234', wa_id: '79035551234' }] }] }),
      msg('wamid.k6', 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Да' } }, context: { id: 'wamid.OURS' } }),
      msg('wamid.k7', 'reaction', { reaction: { message_id: 'wamid.k1', emoji: '👍' } }),
      msg('wamid.k8', 'unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }),
    ];
    const answer = await post({ contacts: [{ profile: { name: 'Иван' }, wa_id: WA }], messages });
    expect(answer.status).toBe(200);
    // acks=all before answering: every record is readable right away.
    const records = await waitFor(() => {
      const mine = kit.inbound(channelId).filter((r) => String(r.value.data.externalMessageId).startsWith('wamid.k'));
      return mine.length >= 7 ? mine : undefined;
    }, 5000);
    expect(records.every((r) => r.key === `${channelId}:${WA}`)).toBe(true);
    const byId = Object.fromEntries(records.map((r) => [r.value.data.externalMessageId, r.value.data as InboundMessageData]));
    expect(Object.keys(byId).sort()).toEqual(['wamid.k1', 'wamid.k2', 'wamid.k3', 'wamid.k4', 'wamid.k5', 'wamid.k6', 'wamid.k8']);
    expect(byId['wamid.k1']).toMatchObject({ channelType: 'whatsapp', kind: 'text', sender: { externalUserId: WA, displayName: 'Иван', phone: `+${WA}`, phoneVerified: true }, context: { referral: { ctwa_clid: 'ARA' } } });
    expect(byId['wamid.k2']).toMatchObject({ kind: 'image', text: 'вот', attachments: [{ kind: 'image', platformFileId: imageId }] });
    expect(byId['wamid.k3'].kind).toBe('voice');
    expect(byId['wamid.k4'].location).toMatchObject({ latitude: 55.75, title: 'Офис' });
    expect(byId['wamid.k5'].contact).toMatchObject({ phone: '+79035551234' });
    expect(byId['wamid.k6']).toMatchObject({ kind: 'text', text: 'Да', replyToExternalMessageId: 'wamid.OURS', context: { whatsappKind: 'interactive', reply: { id: 'yes' } } });
    expect(byId['wamid.k8'].kind).toBe('unsupported');
  });

  it('a missing signature → 401, a wrong one → 403: nothing produced, counted, the channel degraded until an authentic call', async () => {
    const before = kit.inbound().length;
    const value = { messages: [msg('wamid.sig1', 'text', { text: { body: 'x' } })] };
    expect((await post(value, { signature: null })).status).toBe(401);
    expect((await post(value, { secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(403);
    const degraded = await waitFor(() => kit.statuses('channel.health', channelId).find((r) => r.value.data.causeCode === 'SIGNATURE_REJECTED'), 5000, 'degraded');
    expect(degraded.value.data.status).toBe('degraded');
    const metrics = await (await fetch(`${publicUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`crm_connector_webhook_rejected_total\\{[^}]*channel_id="${channelId}"[^}]*\\} [2-9]`));
    await new Promise((r) => setTimeout(r, 200));
    expect(kit.inbound().length).toBe(before);
    expect((await post({ messages: [msg('wamid.sig2', 'text', { text: { body: 'ok' } })] })).status).toBe(200);
    await waitFor(() => kit.statuses('channel.health', channelId).at(-1)?.value.data.status === 'active', 5000, 'active again');
  });

  it('the same POST three times → the same message each time (one record per delivery, deduped downstream by wamid); a non-JSON body → 400', async () => {
    const value = { messages: [msg('wamid.dup', 'text', { text: { body: 'dup' } })] };
    for (let i = 0; i < 3; i++) expect((await post(value)).status).toBe(200);
    const dups = await waitFor(() => {
      const d = inboundData().filter((m) => m.externalMessageId === 'wamid.dup');
      return d.length === 3 ? d : undefined;
    }, 5000);
    expect(new Set(dups.map((d) => JSON.stringify(d))).size).toBe(1);
    expect((await graph.deliverWebhook(url(), 'not json', number.appSecret)).status).toBe(400);
  });

  it("one Meta app, two numbers: the other number's updates in a POST go to its own channel (same account and app secret), else are dropped", async () => {
    const second = graph.addNumber({ appSecret: number.appSecret });
    const secondChannel = randomUUID();
    await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'whatsapp', 'WhatsApp 2', 'active')`, [secondChannel, accountId]);
    await kit.publishChannel({
      channelId: secondChannel,
      accountId,
      type: 'whatsapp',
      settings: { phoneNumberId: second.phoneNumberId },
      credentials: { accessToken: second.accessToken, appSecret: second.appSecret },
      webhookSecret: randomBytes(12).toString('hex'),
    });
    const stranger = graph.addNumber();
    const entry = (n: FakeWaNumber, id: string) => (FakeGraphServer.webhook(n, { contacts: [{ wa_id: WA }], messages: [msg(id, 'text', { text: { body: id } })] }).entry as unknown[])[0];
    const body = { object: 'whatsapp_business_account', entry: [entry(number, 'wamid.app1'), entry(second, 'wamid.app2'), entry(stranger, 'wamid.app3')] };
    // The second channel must be in the connector's registry before the POST that needs it.
    await waitFor(async () => (await graph.verifyCallback(url(secondChannel), 'x')).status === 403 || undefined, 10_000, 'second channel known');
    expect((await graph.deliverWebhook(url(), body, number.appSecret)).status).toBe(200);
    const mine = await waitFor(() => kit.inbound(channelId).find((r) => r.value.data.externalMessageId === 'wamid.app1'), 5000);
    const theirs = await waitFor(() => kit.inbound(secondChannel).find((r) => r.value.data.externalMessageId === 'wamid.app2'), 5000);
    expect(theirs.key).toBe(`${secondChannel}:${WA}`);
    expect(mine.value.channelId).toBe(channelId);
    await new Promise((r) => setTimeout(r, 200));
    expect(kit.inbound().some((r) => r.value.data.externalMessageId === 'wamid.app3')).toBe(false);
  });

  it('Kafka unavailable → 503; the redelivery later succeeds', async () => {
    const producer = connector.app.get(EventProducer);
    await producer.disconnect();
    const value = { messages: [msg('wamid.kafka', 'text', { text: { body: 'когда Kafka лежит' } })] };
    try {
      expect((await post(value)).status).toBe(503);
    } finally {
      await producer.connect();
    }
    expect((await post(value)).status).toBe(200);
    await waitFor(() => inboundData().some((d) => d.externalMessageId === 'wamid.kafka'), 5000);
  });

  describe('outbound and statuses', () => {
    beforeEach(() => {
      graph.clearFailures();
    });

    it('a reply inside the window goes to +<wa_id> with our message id as callback data; statuses move it forward', async () => {
      graph.customerWrote(number.phoneNumberId, WA);
      const sent = await kit.publishOutbound({ accountId, channelId }, { channelType: 'whatsapp', externalChatId: WA, text: 'Да, доставляем', replyToExternalMessageId: 'wamid.k1' });
      const status = await statusOf(sent.messageId, 'sent');
      const out = graph.sent(number.phoneNumberId).find((s) => s.body.biz_opaque_callback_data === sent.messageId);
      expect(out).toMatchObject({ to: `+${WA}`, body: { type: 'text', text: { body: 'Да, доставляем' }, context: { message_id: 'wamid.k1' } } });
      expect(status.key).toBe(`${channelId}:${WA}`);
      expect(status.value.data).toMatchObject({ status: 'sent', externalMessageId: out!.wamid });

      const st = (s: string) => ({ id: out!.wamid, status: s, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA, biz_opaque_callback_data: sent.messageId });
      expect((await post({ statuses: [st('delivered'), st('read')] })).status).toBe(200);
      const read = await statusOf(sent.messageId, 'read');
      expect(read.value.data as MessageStatusData).toMatchObject({ externalChatId: WA, externalMessageId: out!.wamid });
      expect(inboundData().some((d) => d.externalMessageId === out!.wamid)).toBe(false);
    });

    it('outside the window: failed WHATSAPP_WINDOW_CLOSED (131047); an approved template goes out', async () => {
      const stranger = '79990001122';
      const text = await kit.publishOutbound({ accountId, channelId }, { channelType: 'whatsapp', externalChatId: stranger, text: 'Привет' });
      expect((await statusOf(text.messageId, 'failed')).value.data).toMatchObject({ errorCode: 'WHATSAPP_WINDOW_CLOSED' });
      graph.addTemplate(number.wabaId, { name: 'order_ready', language: 'ru' });
      const tpl = await kit.publishOutbound({ accountId, channelId }, { channelType: 'whatsapp', externalChatId: stranger, text: '', template: { name: 'order_ready', language: 'ru', components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] } });
      await statusOf(tpl.messageId, 'sent');
      expect(graph.sent(number.phoneNumberId).find((s) => s.body.biz_opaque_callback_data === tpl.messageId)?.body).toMatchObject({ type: 'template', template: { name: 'order_ready', language: { code: 'ru' } } });
    });

    it('131056 (pair rate limit) waits and sends once; a burst to one user is not pre-throttled', async () => {
      graph.customerWrote(number.phoneNumberId, WA);
      graph.failNext('messages', { kind: 'graph-error', code: 131056, retryAfterSeconds: 1 });
      const started = Date.now();
      const burst = [];
      for (let i = 0; i < 5; i++) burst.push(await kit.publishOutbound({ accountId, channelId }, { channelType: 'whatsapp', externalChatId: WA, text: `burst ${i}` }));
      for (const m of burst) await statusOf(m.messageId, 'sent');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(8000);
      for (const m of burst) expect(graph.sent(number.phoneNumberId).filter((s) => s.body.biz_opaque_callback_data === m.messageId)).toHaveLength(1);
    });

    it('an asynchronous failed status with 131047 ends the message failed WHATSAPP_WINDOW_CLOSED', async () => {
      const id = randomUUID();
      const failed = { id: 'wamid.async', status: 'failed', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA, biz_opaque_callback_data: id, errors: [{ code: 131047, title: 'Re-engagement message' }] };
      expect((await post({ statuses: [failed] })).status).toBe(200);
      expect((await statusOf(id, 'failed')).value.data).toMatchObject({ errorCode: 'WHATSAPP_WINDOW_CLOSED', externalMessageId: 'wamid.async' });
    });

    it('190 from Graph: the message fails WHATSAPP_TOKEN_INVALID and the channel turns needs-reauth', async () => {
      graph.customerWrote(number.phoneNumberId, WA);
      graph.failNext('messages', { kind: 'graph-error', code: 190 });
      const m = await kit.publishOutbound({ accountId, channelId }, { channelType: 'whatsapp', externalChatId: WA, text: 'x' });
      expect((await statusOf(m.messageId, 'failed')).value.data).toMatchObject({ errorCode: 'WHATSAPP_TOKEN_INVALID' });
      await waitFor(() => kit.statuses('channel.health', channelId).find((r) => r.value.data.status === 'needs-reauth'), 5000, 'needs-reauth');
    });
  });
});
