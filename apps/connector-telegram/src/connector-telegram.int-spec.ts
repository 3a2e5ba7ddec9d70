import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { startConnector } from '@crm/connector-kit';
import { decodeEnvelope, InboundMessageData, MessageStatusData } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { type RunningService, startService } from '@crm/service-kit';
import { FakeTelegramServer, freePort, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import type { ConnectorTelegramConfig } from './config/connector-telegram.config';
import { connectorTelegramService } from './connector-telegram.service-definition';
import { TelegramKit } from './testing/telegram-test-kit';

// The connector as a whole against real Kafka and Postgres and the fake Telegram Bot API: channel registry from
// channels.config.v1, webhook registration, inbound updates, outbound sends, health.
describe('connector-telegram (real Kafka + Postgres, fake Telegram)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  let tg: FakeTelegramServer;
  let db: TestDatabase;
  let pool: Pool;
  let kit: TelegramKit;
  let connector: RunningService<ConnectorTelegramConfig>;
  let publicUrl: string;
  const accountId = randomUUID();
  const channelId = randomUUID();
  let token: string;

  const deliver = (update: Record<string, unknown>, options: { secretToken?: string | null } = {}) => tg.deliverUpdate(token, update, options);
  /** A call to the webhook that is not Telegram's delivery (Telegram's getWebhookInfo never hears of it). */
  const forge = (update: Record<string, unknown>, secretToken: string | null) =>
    fetch(tg.webhookOf(token)!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secretToken === null ? {} : { 'x-telegram-bot-api-secret-token': secretToken }) },
      body: JSON.stringify({ update_id: 999_000 + Number((update.message as { message_id?: number })?.message_id ?? 0), ...update }),
    });
  const text = (chatId: number, messageId: number, body: string) => FakeTelegramServer.textUpdate({ chatId, messageId, text: body, from: { id: chatId, is_bot: false, first_name: 'Иван', username: `u${chatId}` } });
  const inboundData = (cid = channelId) => kit.inbound(cid).map((r) => r.value.data as InboundMessageData);

  const sql = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  const rejectedCount = async (id: string) => {
    const metrics = await (await fetch(`${publicUrl}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('crm_connector_webhook_rejected_total{') && l.includes(`channel_id="${id}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  async function insertChannel(id: string): Promise<void> {
    await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'telegram', 'bot', 'active')`, [id, accountId]);
  }

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection cut by the server (the database dropped at the end): the next query opens another
    await sql(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    await insertChannel(channelId);
    const prefix = uniqueTopicPrefix('tg');
    kit = await TelegramKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    token = tg.addBot({ username: 'shop_bot' }).token;
    // Published before the connector starts: it must find the channel by replaying the compacted topic.
    await kit.publishChannel({ channelId, accountId, botToken: token });
    ({ service: connector, url: publicUrl } = await startConnector(connectorTelegramService, {
      kit,
      databaseUrl: db.url,
      port: await freePort(),
      env: { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_ALBUM_WAIT_MS: '300', TELEGRAM_HEALTH_INTERVAL_MS: '1000', TELEGRAM_PRODUCE_TIMEOUT_MS: '2000' },
    }));
  }, 90_000);

  afterAll(async () => {
    await connector?.close();
    await kit?.close();
    await tg?.close();
    await pool?.end();
    await db?.drop();
  });

  it('registers the webhook at start: PUBLIC_URL/webhooks/telegram/:channelId, a secret_token, explicit allowed_updates, no token in the URL', async () => {
    const webhook = await waitFor(() => tg.webhookOf(token), 15_000, 'setWebhook');
    expect(webhook.url).toBe(`${publicUrl}/webhooks/telegram/${channelId}`);
    expect(webhook.url).not.toContain(token.split(':')[1]);
    expect(webhook.secretToken).toMatch(/^[A-Za-z0-9_-]{16,256}$/);
    expect(webhook.secretToken).not.toContain(token.split(':')[1]);
    expect(webhook.allowedUpdates).toEqual(['message', 'edited_message']);
    const health = await waitFor(() => kit.statuses('channel.health', channelId).at(-1), 10_000, 'health');
    expect(health.key).toBe(channelId);
    expect(health.value.data.status).toBe('active');
  });

  it('a text update is on channels.inbound.v1 (key channelId:chatId, acks=all) before the 200', async () => {
    const answer = await deliver(text(5001, 11, 'Здравствуйте! Есть доставка?'));
    expect(answer.status).toBe(200);
    // acks=all before answering: the record is readable right away.
    const record = await waitFor(() => kit.inbound(channelId).find((r) => r.value.data.externalMessageId === '5001:11'), 5000);
    expect(record.key).toBe(`${channelId}:5001`);
    expect(record.value).toMatchObject({ type: 'message.inbound', accountId, channelId });
    expect(record.headers['x-event-type']).toBe('message.inbound');
    const data = decodeEnvelope(Buffer.from(JSON.stringify(record.value)), InboundMessageData).data;
    expect(data).toMatchObject({ channelType: 'telegram', externalChatId: '5001', kind: 'text', text: 'Здравствуйте! Есть доставка?', event: 'new', sender: { externalUserId: '5001', username: 'u5001' } });
  });

  it('a wrong or missing secret → 401, an unknown channel → 404, a body that is no Update → 400; nothing produced', async () => {
    const before = kit.inbound().length;
    expect((await forge(text(5002, 1, 'x'), 'not-the-secret')).status).toBe(401);
    expect((await forge(text(5002, 2, 'x'), null)).status).toBe(401);
    const unknown = await fetch(`${publicUrl}/webhooks/telegram/${randomUUID()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update_id: 1 }) });
    expect(unknown.status).toBe(404);
    const secret = tg.webhookOf(token)!.secretToken!;
    const bad = await fetch(`${publicUrl}/webhooks/telegram/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(bad.status).toBe(400);
    const malformed = await fetch(`${publicUrl}/webhooks/telegram/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: '{"update_id": 1, "message": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const huge = await fetch(`${publicUrl}/webhooks/telegram/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify({ update_id: 2, message: { text: 'x'.repeat(300 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    await new Promise((r) => setTimeout(r, 300));
    expect(kit.inbound().length).toBe(before);
    // Everything else is still Express's: health, metrics (with the webhook's route), other methods.
    expect((await fetch(`${publicUrl}/health`)).status).toBe(200);
    expect((await fetch(`${publicUrl}/webhooks/telegram/${channelId}`)).status).toBe(404);
    expect(await (await fetch(`${publicUrl}/metrics`)).text()).toMatch(/crm_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/telegram\/:channelId",status="401"\} [1-9]/);
  });

  it('rejected secrets are counted per channel and turn its health degraded SIGNATURE_REJECTED until an authentic call', async () => {
    const rejectedBefore = await rejectedCount(channelId);
    const healthBefore = kit.statuses('channel.health', channelId).length;
    // A forged call, not Telegram's delivery: no health check (getWebhookInfo) replaces SIGNATURE_REJECTED meanwhile.
    expect((await forge(text(5020, 1, 'x'), 'wrong-secret')).status).toBe(401);
    const degraded = await waitFor(
      () => kit.statuses('channel.health', channelId).slice(healthBefore).find((r) => r.value.data.causeCode === 'SIGNATURE_REJECTED'),
      10_000,
      'SIGNATURE_REJECTED health',
    );
    expect(degraded.value.data.status).toBe('degraded');
    expect(await rejectedCount(channelId)).toBeGreaterThan(rejectedBefore);
    const seen = kit.statuses('channel.health', channelId).length;
    expect((await deliver(text(5020, 2, 'уже с верным секретом'))).status).toBe(200);
    const healed = await waitFor(() => kit.statuses('channel.health', channelId).slice(seen).find((r) => r.value.data.status === 'active'), 10_000, 'active again');
    expect(healed.value.data.causeCode).toBeUndefined();
  });

  it('a re-delivered update (same update_id) is answered 200 and stored once', async () => {
    const first = await deliver(text(5003, 21, 'один раз'));
    const again = await deliver(first.update);
    expect([first.status, again.status]).toEqual([200, 200]);
    await waitFor(() => inboundData().some((d) => d.externalMessageId === '5003:21'), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(inboundData().filter((d) => d.externalMessageId === '5003:21')).toHaveLength(1);
  });

  it('other chat types and update kinds are acknowledged and skipped', async () => {
    const before = kit.inbound().length;
    const group = { message: { message_id: 1, date: 1_780_000_000, chat: { id: -100500, type: 'supergroup', title: 'g' }, from: { id: 1, is_bot: false, first_name: 'A' }, text: 'hi' } };
    expect((await deliver(group)).status).toBe(200);
    expect((await deliver({ callback_query: { id: '1', from: { id: 1, is_bot: false, first_name: 'A' }, chat_instance: 'x', data: 'y' } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(kit.inbound().length).toBe(before);
    const metrics = await (await fetch(`${publicUrl}/metrics`)).text();
    expect(metrics).toMatch(/crm_telegram_updates_total\{outcome="skipped",reason="chat-type"\} [1-9]/);
    expect(metrics).toMatch(/crm_telegram_updates_total\{outcome="skipped",reason="update-kind"\} [1-9]/);
  });

  it('an album delivered part after part (as Telegram does, each answered first) becomes one message with every attachment, before the next message of the chat', async () => {
    const part = (id: number, fileId: string, caption?: string) => ({
      message: { message_id: id, date: 1_780_000_000, chat: { id: 5004, type: 'private', first_name: 'Анна' }, from: { id: 5004, is_bot: false, first_name: 'Анна' }, media_group_id: 'album-1', ...(caption ? { caption } : {}), photo: [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 800, height: 600 }] },
    });
    for (const [i, p] of [part(31, 'p1', 'наш заказ'), part(32, 'p2'), part(33, 'p3')].entries()) {
      const answer = await deliver(p);
      expect(answer.status).toBe(200);
      if (i === 0) expect((await sql(`SELECT count(*)::int AS n FROM telegram_album_parts WHERE account_id = $1`, [accountId]))[0].n).toBe(1);
    }
    expect((await deliver(text(5004, 34, 'это всё'))).status).toBe(200);
    await waitFor(() => inboundData().some((d) => d.externalMessageId === '5004:34'), 5000);
    const chat = inboundData().filter((d) => d.externalChatId === '5004');
    expect(chat.map((d) => d.externalMessageId)).toEqual(['5004:31', '5004:34']);
    expect(chat[0]).toMatchObject({ kind: 'image', text: 'наш заказ', context: { mediaGroupId: 'album-1', albumMessageIds: ['5004:31', '5004:32', '5004:33'] } });
    expect(chat[0].attachments.map((a) => a.platformFileId)).toEqual(['p1', 'p2', 'p3']);
    expect((await sql(`SELECT count(*)::int AS n FROM telegram_album_parts WHERE account_id = $1`, [accountId]))[0].n).toBe(0);
  });

  it('an album that is not followed by anything is published after the quiet period', async () => {
    const part = (id: number) => ({ message: { message_id: id, date: 1_780_000_000, chat: { id: 5005, type: 'private' }, from: { id: 5005, is_bot: false, first_name: 'B' }, media_group_id: 'album-2', document: { file_id: `d${id}`, file_unique_id: `ud${id}`, file_name: `f${id}.pdf`, mime_type: 'application/pdf' } } });
    await Promise.all([deliver(part(41)), deliver(part(42))]);
    const album = await waitFor(() => inboundData().find((d) => d.externalChatId === '5005'), 5000);
    expect(album.attachments.map((a) => a.fileName)).toEqual(['f41.pdf', 'f42.pdf']);
  });

  it('Kafka unavailable → 503 and nothing acknowledged; the same update succeeds later, stored once', async () => {
    const producer = connector.app.get(EventProducer);
    await producer.disconnect();
    let answer;
    try {
      answer = await deliver(text(5006, 51, 'когда Kafka лежит'));
      expect(answer.status).toBe(503);
    } finally {
      await producer.connect();
    }
    const retried = await deliver(answer.update);
    expect(retried.status).toBe(200);
    await waitFor(() => inboundData().some((d) => d.externalChatId === '5006'), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(inboundData().filter((d) => d.externalChatId === '5006')).toHaveLength(1);
    // Telegram saw the failed delivery: the health check reports the channel degraded with Telegram's message.
    const degraded = await waitFor(
      () => kit.statuses('channel.health', channelId).find((r) => r.value.data.status === 'degraded' && /503/.test(r.value.data.message)),
      10_000,
      'degraded health',
    );
    expect(degraded.value.data).toMatchObject({ causeCode: 'TELEGRAM_WEBHOOK_DELIVERY_FAILED', message: 'Wrong response from the webhook: 503 Service Unavailable' });
  });

  describe('outbound', () => {
    const statusOf = (messageId: string) => waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === messageId), 15_000, `status of ${messageId}`);

    it('an agent reply reaches sendMessage with the chat id and is reported sent with Telegram message id', async () => {
      const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5001', text: 'Да, доставляем завтра', replyToExternalMessageId: '5001:11' });
      const status = await statusOf(sent.messageId);
      const call = tg.callsOf('sendMessage', token).find((c) => c.params.text === 'Да, доставляем завтра')!;
      expect(call.params).toMatchObject({ chat_id: 5001, reply_parameters: { message_id: 11, allow_sending_without_reply: true } });
      expect(status.key).toBe(`${channelId}:5001`);
      const data = decodeEnvelope(Buffer.from(JSON.stringify(status.value)), MessageStatusData).data;
      expect(data).toMatchObject({ messageId: sent.messageId, status: 'sent', externalChatId: '5001' });
      expect(data.externalMessageId).toMatch(/^5001:\d+$/);
      expect(tg.sentMessages(token).some((m) => `5001:${m.message_id}` === data.externalMessageId && m.text === 'Да, доставляем завтра')).toBe(true);
    });

    it('429 waits retry_after, then sends', async () => {
      tg.failNext('sendMessage', { kind: 'rate-limit', retryAfter: 1 }, { token });
      const started = Date.now();
      const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5010', text: 'после паузы' });
      const status = await statusOf(sent.messageId);
      expect(status.value.data.status).toBe('sent');
      const calls = tg.callsOf('sendMessage', token).filter((c) => c.params.chat_id === 5010);
      expect(calls.map((c) => c.status)).toEqual([429, 200]);
      expect(calls[1].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('a blocked bot (403) → failed TELEGRAM_BOT_BLOCKED; chat not found → TELEGRAM_CHAT_NOT_FOUND', async () => {
      tg.failNext('sendMessage', { kind: 'blocked' }, { token });
      const blocked = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5011', text: 'вы нас заблокировали' });
      expect((await statusOf(blocked.messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'TELEGRAM_BOT_BLOCKED', errorMessage: '403 Forbidden: bot was blocked by the user' });
      tg.failNext('sendMessage', { kind: 'chat-not-found' }, { token });
      const missing = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5012', text: 'нет такого чата' });
      expect((await statusOf(missing.messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'TELEGRAM_CHAT_NOT_FOUND' });
    });

    it('network errors are retried with backoff', async () => {
      tg.failNext('sendMessage', { kind: 'drop-connection' }, { token, times: 2 });
      const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5013', text: 'со второй попытки' });
      expect((await statusOf(sent.messageId)).value.data.status).toBe('sent');
      expect(tg.callsOf('sendMessage', token).filter((c) => c.params.chat_id === 5013).map((c) => c.status)).toEqual([0, 0, 200]);
    });

    it('a redelivered send command is not sent twice', async () => {
      const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5014', text: 'только раз' });
      await statusOf(sent.messageId);
      await kit.publishOutbound({ accountId, channelId }, { ...sent });
      await waitFor(async () => (await sql(`SELECT 1 FROM outbound_deliveries WHERE message_id = $1 AND state = 'done' AND published_at IS NOT NULL`, [sent.messageId])).length === 1, 5000);
      // A later command to the same chat is handled after the duplicate (same partition): once it is, the duplicate was skipped.
      const later = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5014', text: 'следующее' });
      await statusOf(later.messageId);
      expect(tg.callsOf('sendMessage', token).filter((c) => c.params.text === 'только раз')).toHaveLength(1);
      expect(kit.statuses('message.status', channelId).filter((r) => r.value.data.messageId === sent.messageId)).toHaveLength(1);
    });

    it('a send found in progress (interrupted by a crash) ends failed SEND_OUTCOME_UNKNOWN and is not sent again', async () => {
      const messageId = randomUUID();
      await sql(`INSERT INTO outbound_deliveries (account_id, message_id, channel_id, channel_type, state) VALUES ($1, $2, $3, 'telegram', 'sending')`, [accountId, messageId, channelId]);
      await kit.publishOutbound({ accountId, channelId }, { messageId, externalChatId: '5018', text: 'может, уже ушло' });
      expect((await statusOf(messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN' });
      expect(tg.callsOf('sendMessage').some((c) => c.params.text === 'может, уже ушло')).toBe(false);
      expect(await sql(`SELECT state, published_at IS NOT NULL AS published FROM outbound_deliveries WHERE message_id = $1`, [messageId])).toEqual([{ state: 'done', published: true }]);
    });

    it('a send command written before the x-channel-type header existed is still sent', async () => {
      const old = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5019', text: 'без заголовка' }, { typeHeader: false });
      expect((await statusOf(old.messageId)).value.data.status).toBe('sent');
    });

    it('replies of one chat go out in order, at most about one per second', async () => {
      const texts = ['первое', 'второе', 'третье', 'четвёртое', 'пятое'];
      const sent = [];
      for (const t of texts) sent.push(await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5015', text: t }));
      await statusOf(sent[sent.length - 1].messageId);
      const calls = tg.callsOf('sendMessage', token).filter((c) => c.params.chat_id === 5015);
      expect(calls.map((c) => c.params.text)).toEqual(texts);
      // A burst of 3 is allowed, then 1 per second.
      expect(calls[4].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(1900);
    });

    it('a command whose account does not own the channel is failed CHANNEL_INACTIVE, never sent', async () => {
      const foreign = await kit.publishOutbound({ accountId: randomUUID(), channelId }, { externalChatId: '5017', text: 'чужой аккаунт' });
      const status = await waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === foreign.messageId), 15_000);
      expect(status.value.data).toMatchObject({ status: 'failed', errorCode: 'CHANNEL_INACTIVE' });
      expect(tg.callsOf('sendMessage').some((c) => c.params.text === 'чужой аккаунт')).toBe(false);
    });

    it('commands of other channel types are skipped without a Bot API call', async () => {
      const before = tg.callsOf('sendMessage').length;
      const vk = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5016', text: 'vk', channelType: 'vk' });
      const after = await kit.publishOutbound({ accountId, channelId }, { externalChatId: '5016', text: 'telegram' });
      await statusOf(after.messageId);
      expect(tg.callsOf('sendMessage').length).toBe(before + 1);
      expect(kit.statuses('message.status').some((r) => r.value.data.messageId === vk.messageId)).toBe(false);
    });
  });

  it('a channel config written before the x-channel-type header existed is still applied', async () => {
    const oldId = randomUUID();
    await insertChannel(oldId);
    const bot = tg.addBot();
    await kit.publishChannel({ channelId: oldId, accountId, botToken: bot.token, typeHeader: false });
    const webhook = await waitFor(() => tg.webhookOf(bot.token), 10_000, 'setWebhook of a header-less record');
    expect(webhook.url).toBe(`${publicUrl}/webhooks/telegram/${oldId}`);
  });

  it('a revoked token makes the channel needs-reauth', async () => {
    const otherId = randomUUID();
    await insertChannel(otherId);
    const bot = tg.addBot();
    await kit.publishChannel({ channelId: otherId, accountId, botToken: bot.token, webhookSecret: 'generated_secret-for-this-channel' });
    const webhook = await waitFor(() => tg.webhookOf(bot.token), 10_000, 'setWebhook of the second channel');
    expect(webhook.secretToken).toBe('generated_secret-for-this-channel');
    tg.revokeToken(bot.token);
    const health = await waitFor(() => kit.statuses('channel.health', otherId).find((r) => r.value.data.status === 'needs-reauth'), 10_000, 'needs-reauth');
    expect(health.value.data).toMatchObject({ causeCode: 'TELEGRAM_TOKEN_INVALID' });
  });

  it('deactivation removes the webhook and later calls answer 404; re-activation registers it again; deletion removes it', async () => {
    const secret = tg.webhookOf(token)!.secretToken!;
    await kit.publishChannel({ channelId, accountId, botToken: token, status: 'inactive', revision: 2 });
    await waitFor(() => tg.webhookOf(token) === undefined, 10_000, 'deleteWebhook');
    const late = await fetch(`${publicUrl}/webhooks/telegram/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify({ update_id: 999, ...text(5001, 99, 'после отключения') }),
    });
    expect(late.status).toBe(404);
    await waitFor(() => kit.statuses('channel.health', channelId).find((r) => r.value.data.status === 'disconnected'), 10_000, 'disconnected');

    await kit.publishChannel({ channelId, accountId, botToken: token, status: 'active', revision: 3 });
    await waitFor(() => tg.webhookOf(token), 10_000, 'setWebhook again');
    await kit.publishChannel({ channelId, tombstone: true });
    await waitFor(() => tg.webhookOf(token) === undefined, 10_000, 'deleteWebhook after delete');
  });

  it('a restarted connector rebuilds the registry from the compacted topic (the deleted channel stays unknown)', async () => {
    const survivorId = randomUUID();
    await insertChannel(survivorId);
    const bot = tg.addBot();
    await kit.publishChannel({ channelId: survivorId, accountId, botToken: bot.token });
    await waitFor(() => tg.webhookOf(bot.token), 10_000);
    const port = Number(new URL(publicUrl).port);
    await connector.close();
    tg.clearCalls();
    connector = await startService(connectorTelegramService, { env: { ...connectorEnv(connector.config), PORT: String(port) }, handleSignals: false });
    await waitFor(() => tg.callsOf('setWebhook', bot.token).length > 0, 10_000, 'reconciled setWebhook');
    expect(tg.callsOf('setWebhook', token)).toHaveLength(0);
    const answer = await tg.deliverUpdate(bot.token, text(6001, 1, 'после перезапуска'));
    expect(answer.status).toBe(200);
    await waitFor(() => inboundData(survivorId).length === 1, 5000);
  });
});

describe('connector-telegram in TELEGRAM_MODE=polling', () => {
  it('long-polls each active bot (webhook deleted first) and produces its updates', async () => {
    const secretsKey = randomBytes(32).toString('base64');
    const tg = await FakeTelegramServer.start();
    const db = await createTestDatabase();
    const prefix = uniqueTopicPrefix('tgp');
    const kit = await TelegramKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    let connector: RunningService<ConnectorTelegramConfig> | undefined;
    try {
      await kit.watch();
      const accountId = randomUUID();
      const channelId = randomUUID();
      const bot = tg.addBot();
      await kit.publishChannel({ channelId, accountId, botToken: bot.token });
      ({ service: connector } = await startConnector(connectorTelegramService, { kit, databaseUrl: db.url, port: 0, env: { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_MODE: 'polling' } }));
      await waitFor(() => tg.callsOf('deleteWebhook', bot.token).length > 0, 10_000, 'deleteWebhook before polling');
      const first = tg.pushUpdate(bot.token, FakeTelegramServer.textUpdate({ chatId: 777, messageId: 5, text: 'через polling' }));
      const record = await waitFor(() => kit.inbound(channelId)[0], 10_000, 'polled update on Kafka');
      expect(record.value.data).toMatchObject({ externalChatId: '777', text: 'через polling' });
      tg.pushUpdate(bot.token, FakeTelegramServer.textUpdate({ chatId: 777, messageId: 6, text: 'второе' }));
      await waitFor(() => kit.inbound(channelId)[1], 10_000, 'second polled update');
      // The poll after the first update confirmed it (offset = update_id + 1) and the update was not produced twice.
      expect(tg.callsOf('getUpdates', bot.token).some((c) => Number(c.params.offset) === first.update_id + 1)).toBe(true);
      expect(kit.inbound(channelId).map((r) => r.value.data.externalMessageId)).toEqual(['777:5', '777:6']);
    } finally {
      await connector?.close();
      await kit.close();
      await tg.close();
      await db.drop();
    }
  });
});

function connectorEnv(config: ConnectorTelegramConfig): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(config).filter(([k, v]) => /^[A-Z_]+$/.test(k) && v !== undefined).map(([k, v]) => [k, String(v)]));
}
