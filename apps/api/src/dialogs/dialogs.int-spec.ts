import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  chatKey,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  InboundMessageData,
  MessageStatusData,
  OutboundMessageData,
  Topics,
  type DeliveryStatus,
} from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { startService, type RunningService } from '@crm/service-kit';
import { readTopic, testBrokers, waitFor } from '@crm/testing';
// The other side of the flow: the real lead-routing service, in this process, on the same database and topics.
import { leadRoutingService } from '../../../lead-routing/src/lead-routing.service-definition';
import type { LeadRoutingConfig } from '../../../lead-routing/src/config/lead-routing.config';
import { SseReader } from '../events/testing/sse-reader';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('dialogs, clients, leads and live events: api + lead-routing (real Kafka and Postgres)', () => {
  let api: ApiHarness;
  let routing: RunningService<LeadRoutingConfig>;
  let connection: KafkaConnection;
  let producer: EventProducer;
  let accountA: string;
  let accountB: string;
  let channelId: string;
  let funnelId: string;
  let stageId: string;
  let agentA: string;
  let adminA: string;
  let agentB: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    api = await startApiHarness();
    routing = await startService(leadRoutingService, {
      env: { ...api.env, PORT: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', ROUTING_CHANNEL_CACHE_TTL_MS: '0' },
      handleSignals: false,
      logDestination: new Writable({ write: (_c, _e, cb) => cb() }) as never,
    });
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'dialogs-test', topicPrefix: api.env.KAFKA_TOPIC_PREFIX! });
    producer = new EventProducer(connection);
    await producer.connect();
    accountA = await api.createAccount('A');
    accountB = await api.createAccount('B');
    agentA = api.token(accountA, 'agent');
    adminA = api.token(accountA, 'admin');
    agentB = api.token(accountB, 'agent');
    [{ id: funnelId }] = await api.dataSource.query(`INSERT INTO funnels (account_id, name) VALUES ($1, 'Продажи') RETURNING id`, [accountA]);
    [{ id: stageId }] = await api.dataSource.query(`INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, 'Новые', 0) RETURNING id`, [accountA, funnelId]);
    [{ id: channelId }] = await api.dataSource.query(
      `INSERT INTO channels (account_id, type, name, status, funnel_id, stage_id, create_lead_on_first_message, find_existing_lead, create_client_on_first_message, auto_match_client)
       VALUES ($1, 'telegram', 'Telegram бот', 'active', $2, $3, true, true, true, true) RETURNING id`,
      [accountA, funnelId, stageId],
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await producer?.disconnect();
    await routing?.close();
    await api?.close();
  });

  async function sse(token: string, accountId: string): Promise<SseReader> {
    const reader = await SseReader.open(api.url, token);
    readers.push(reader);
    // The stream is live once a probe event of its account comes through (the consumer starts at the topic end).
    const probe = randomUUID();
    await waitFor(async () => {
      if (reader.events.some((e) => e.data.dialogId === probe)) return true;
      await producer.send(Topics.CrmEvents, [{ key: probe, value: encodeEnvelope(createEnvelope('crm.event', { kind: 'dialog.opened', dialogId: probe }, { accountId })) }]);
      await new Promise((r) => setTimeout(r, 300));
      return reader.events.some((e) => e.data.dialogId === probe);
    }, 20_000, 'the event stream to go live');
    return reader;
  }

  async function inbound(externalChatId: string, overrides: Partial<InboundMessageData> = {}): Promise<InboundMessageData> {
    const data = {
      channelType: 'telegram',
      externalMessageId: randomUUID(),
      externalChatId,
      sender: { externalUserId: `user-${externalChatId}`, displayName: 'Иван Петров', username: 'ivan_p', phone: '8 900 123-45-67' },
      kind: 'text',
      text: 'Здравствуйте! Сколько стоит доставка?',
      attachments: [],
      event: 'new',
      sentAt: new Date().toISOString(),
      ...overrides,
    } as InboundMessageData;
    await producer.send(Topics.ChannelsInbound, [
      { key: chatKey(channelId, externalChatId), value: encodeEnvelope(createEnvelope('message.inbound', data, { accountId: accountA, channelId })) },
    ]);
    return data;
  }

  async function status(messageId: string, externalChatId: string, value: DeliveryStatus, extra: Partial<MessageStatusData> = {}): Promise<void> {
    const data: MessageStatusData = { messageId, externalChatId, status: value, at: new Date().toISOString(), ...extra };
    await producer.send(Topics.ChannelsStatus, [
      {
        key: chatKey(channelId, externalChatId),
        value: encodeEnvelope(createEnvelope('message.status', data, { accountId: accountA, channelId })),
        headers: { 'x-event-type': 'message.status' },
      },
    ]);
  }

  const get = (path: string, token = agentA) => api.request('GET', path, { token });
  const dialogOf = async (externalChatId: string): Promise<string> =>
    waitFor(async () => (await api.dataSource.query(`SELECT id FROM dialogs WHERE channel_id = $1 AND external_chat_id = $2`, [channelId, externalChatId]))[0]?.id, 20_000, `dialog ${externalChatId}`);
  const messagesOf = async (dialogId: string) => (await get(`/api/v1/dialogs/${dialogId}/messages`)).body.items;

  it('an inbound message becomes a dialog with a client and a lead, shown by the API and streamed to its account only', async () => {
    const streamA = await sse(agentA, accountA);
    const streamB = await sse(agentB, accountB);
    const sent = await inbound('chat-1');
    const received = await streamA.next((e) => e.event === 'message.received' && e.data.channelId === channelId, 20_000, 'message.received');
    const dialogId = received.data.dialogId;

    const list = await get('/api/v1/dialogs');
    expect(list.status).toBe(200);
    const dialog = list.body.items.find((d: { id: string }) => d.id === dialogId);
    expect(dialog).toEqual({
      id: dialogId,
      channelId,
      channelType: 'telegram',
      externalChatId: 'chat-1',
      status: 'open',
      client: { id: expect.any(String), name: 'Иван Петров' },
      leadId: expect.any(String),
      lastMessageAt: sent.sentAt,
      unreadCount: 1,
      context: null,
    });
    expect((await get(`/api/v1/dialogs/${dialogId}`, adminA)).body).toEqual(dialog);

    expect(await messagesOf(dialogId)).toEqual([
      {
        id: received.data.messageId,
        dialogId,
        direction: 'in',
        kind: 'text',
        text: 'Здравствуйте! Сколько стоит доставка?',
        attachments: [],
        status: 'received',
        errorCode: null,
        externalId: sent.externalMessageId,
        sentAt: sent.sentAt,
        editedAt: null,
        deletedAt: null,
        revisions: [],
      },
    ]);

    const client = await get(`/api/v1/clients/${dialog.client.id}`);
    expect(client.body).toEqual({
      id: dialog.client.id,
      name: 'Иван Петров',
      phone: '+79001234567',
      // The connector did not vouch for the number (no phoneVerified): stored, but it matches no other sender.
      phoneVerified: false,
      email: null,
      createdAt: expect.stringMatching(ISO),
      possibleDuplicates: [],
      identities: [
        { channelType: 'telegram', channelId, externalUserId: 'user-chat-1', username: 'ivan_p', phone: '+79001234567', displayName: 'Иван Петров', matchRule: 'created', createdAt: expect.stringMatching(ISO) },
      ],
    });
    expect((await get('/api/v1/clients')).body.items.map((c: { id: string }) => c.id)).toContain(dialog.client.id);

    const lead = await get(`/api/v1/leads/${dialog.leadId}`);
    expect(lead.body).toEqual({
      id: dialog.leadId,
      clientId: dialog.client.id,
      funnelId,
      stageId,
      channelId,
      dialogId,
      title: 'Иван Петров — Telegram бот',
      status: 'open',
      sync: [],
      createdAt: expect.stringMatching(ISO),
    });
    // The sync state written by the integrations service shows up on the lead.
    const [{ id: integrationId }] = await api.dataSource.query(`INSERT INTO integrations (account_id, type, name) VALUES ($1, 'bitrix24', 'B24') RETURNING id`, [accountA]);
    await api.dataSource.query(
      `INSERT INTO integration_sync_jobs (account_id, integration_id, entity_type, entity_id, operation, state, external_id) VALUES ($1, $2, 'lead', $3, 'upsert', 'synced', '4521')`,
      [accountA, integrationId, dialog.leadId],
    );
    expect((await get(`/api/v1/leads?status=open`)).body.items.find((l: { id: string }) => l.id === dialog.leadId).sync).toEqual([
      { integrationId, state: 'synced', externalId: '4521', error: null },
    ]);

    const mine = streamA.events.filter((e) => e.data.dialogId === dialogId);
    expect(mine.map((e) => e.event)).toEqual(['dialog.opened', 'client.created', 'lead.created', 'message.received']);
    expect(mine.every((e) => e.data.channelId === channelId && typeof e.id === 'string')).toBe(true);
    // Account B's stream saw its own probe and nothing of account A.
    await new Promise((r) => setTimeout(r, 500));
    expect(streamB.events.filter((e) => e.data.channelId === channelId)).toEqual([]);
    expect(streamB.events.every((e) => e.event === 'dialog.opened' && e.data.channelId === null)).toBe(true);
  });

  it('a reply is queued, sent to channels.outbound.v1, and its status only ever moves forward', async () => {
    const stream = await sse(agentA, accountA);
    await inbound('chat-2');
    const dialogId = await dialogOf('chat-2');
    const reply = await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'Доставка бесплатная' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ dialogId, direction: 'out', kind: 'text', text: 'Доставка бесплатная', status: 'queued', externalId: null, sentAt: null });
    const messageId = reply.body.id;

    const outbound = await waitFor(async () => {
      const records = await readTopic(connection.topic(Topics.ChannelsOutbound), { timeoutMs: 2000 });
      return records.find((r) => decodeEnvelope(r.value, OutboundMessageData).data.messageId === messageId);
    }, 20_000, 'the send command');
    expect(outbound.key).toBe(chatKey(channelId, 'chat-2'));
    expect(outbound.headers['x-event-type']).toBe('message.outbound');
    expect(decodeEnvelope(outbound.value, OutboundMessageData)).toMatchObject({
      accountId: accountA,
      channelId,
      data: { messageId, dialogId, channelType: 'telegram', externalChatId: 'chat-2', text: 'Доставка бесплатная' },
    });

    const current = async () => (await messagesOf(dialogId)).find((m: { id: string }) => m.id === messageId);
    await status(messageId, 'chat-2', 'sent', { externalMessageId: 'tg-501' });
    await status(messageId, 'chat-2', 'delivered');
    await status(messageId, 'chat-2', 'sent', { externalMessageId: 'tg-501' }); // redelivered, late
    await waitFor(async () => (await current()).status === 'delivered', 20_000, 'delivered');
    await status(messageId, 'chat-2', 'read');
    await status(messageId, 'chat-2', 'delivered'); // out of order
    await status(messageId, 'chat-2', 'failed', { errorCode: 'TELEGRAM_BOT_BLOCKED' }); // too late to fail
    // A later report on the same chat (same partition, in order) proves the stale ones were consumed.
    const marker = (await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: adminA, body: { text: 'ещё' } })).body.id;
    await status(marker, 'chat-2', 'sent');
    await waitFor(async () => (await messagesOf(dialogId)).find((m: { id: string }) => m.id === marker).status === 'sent', 20_000, 'the marker');
    expect(await current()).toMatchObject({ status: 'read', externalId: 'tg-501', errorCode: null, sentAt: expect.stringMatching(ISO) });

    await stream.next((e) => e.event === 'message.status' && e.data.messageId === marker, 20_000, 'the marker on the stream');
    const statuses = stream.events.filter((e) => e.data.messageId === messageId).map((e) => `${e.event}:${e.data.status}`);
    expect(statuses).toEqual(['message.sent:queued', 'message.status:sent', 'message.status:delivered', 'message.status:read']);

    // A failure is final and carries its code; a later delivery report does not revive the message.
    const doomed = (await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'алло?' } })).body.id;
    await status(doomed, 'chat-2', 'failed', { errorCode: 'TELEGRAM_BOT_BLOCKED', errorMessage: 'Forbidden: bot was blocked by the user' });
    await status(doomed, 'chat-2', 'delivered', { externalMessageId: 'tg-502' });
    await status(marker, 'chat-2', 'delivered');
    await waitFor(async () => (await messagesOf(dialogId)).find((m: { id: string }) => m.id === marker).status === 'delivered', 20_000, 'the marker again');
    const failed = (await messagesOf(dialogId)).find((m: { id: string }) => m.id === doomed);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'TELEGRAM_BOT_BLOCKED', externalId: 'tg-502', sentAt: null });
    // Newest first: the failed reply, the marker, the first reply, the inbound message.
    expect((await messagesOf(dialogId)).map((m: { id: string }) => m.id).slice(0, 3)).toEqual([doomed, marker, messageId]);
  });

  it('a reply repeated with its Idempotency-Key (concurrently or later) is one message and one send command; the key of another request is refused', async () => {
    await inbound('chat-idem');
    const dialogId = await dialogOf('chat-idem');
    const key = randomUUID();
    const send = (body: Record<string, unknown>, k: string = key, path = `/api/v1/dialogs/${dialogId}/messages`) => api.request('POST', path, { token: agentA, body, headers: { 'idempotency-key': k } });
    const outboundCommands = async () =>
      (await api.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE event_type = 'message.outbound' AND payload->'data'->>'dialogId' = $1`, [dialogId]))[0].n;

    // A double click and a retry after a lost answer: five at once, one of them creates, the others get its reply.
    const answers = await Promise.all(Array.from({ length: 5 }, () => send({ text: 'Доставка завтра' })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [messageId] = [...ids];
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    expect(await outboundCommands()).toBe(1);

    // Later, the repeat shows the reply as it is now.
    await status(messageId, 'chat-idem', 'sent', { externalMessageId: 'tg-idem-1' });
    await waitFor(async () => (await messagesOf(dialogId)).find((m: { id: string }) => m.id === messageId).status === 'sent', 20_000, 'sent');
    const later = await send({ text: 'Доставка завтра' });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect(later.body).toMatchObject({ id: messageId, status: 'sent', externalId: 'tg-idem-1' });

    // The same key for another body or another dialog is another request: refused, nothing stored or sent.
    const otherBody = await send({ text: 'Доставка послезавтра' });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    await inbound('chat-idem-2');
    const otherDialog = await dialogOf('chat-idem-2');
    const elsewhere = await send({ text: 'Доставка завтра' }, key, `/api/v1/dialogs/${otherDialog}/messages`);
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await messagesOf(otherDialog)).filter((m: { direction: string }) => m.direction === 'out')).toEqual([]);
    const texts = (await messagesOf(dialogId)).filter((m: { direction: string }) => m.direction === 'out').map((m: { text: string }) => m.text);
    expect(texts).toEqual(['Доставка завтра']);
    expect(await outboundCommands()).toBe(1);

    // Without a key every request is a new reply; a malformed key is a 400 naming the header.
    await send({ text: 'Ещё вопрос?' }, randomUUID());
    const plain = await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'Ещё вопрос?' } });
    expect(plain.status).toBe(201);
    expect(await outboundCommands()).toBe(3);
    for (const bad of ['has space', 'x'.repeat(256)]) {
      const res = await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'нет' }, headers: { 'idempotency-key': bad } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'Idempotency-Key', constraints: [expect.stringContaining('visible ASCII')] }] });
    }
    expect(await outboundCommands()).toBe(3);
  });

  it('another account gets 404 for this account’s dialogs, clients and leads, and sees none of them in its lists', async () => {
    await inbound('chat-3');
    const dialogId = await dialogOf('chat-3');
    const dialog = (await get(`/api/v1/dialogs/${dialogId}`)).body;
    const checks: Array<[string, string, string]> = [
      ['GET', `/api/v1/dialogs/${dialogId}`, 'DIALOG_NOT_FOUND'],
      ['GET', `/api/v1/dialogs/${dialogId}/messages`, 'DIALOG_NOT_FOUND'],
      ['POST', `/api/v1/dialogs/${dialogId}/messages`, 'DIALOG_NOT_FOUND'],
      ['POST', `/api/v1/dialogs/${dialogId}/close`, 'DIALOG_NOT_FOUND'],
      ['POST', `/api/v1/dialogs/${dialogId}/read`, 'DIALOG_NOT_FOUND'],
      ['GET', `/api/v1/clients/${dialog.client.id}`, 'CLIENT_NOT_FOUND'],
      ['GET', `/api/v1/leads/${dialog.leadId}`, 'LEAD_NOT_FOUND'],
      ['GET', '/api/v1/dialogs/not-a-uuid', 'DIALOG_NOT_FOUND'],
    ];
    for (const [method, path, code] of checks) {
      const res = await api.request(method, path, { token: agentB, body: method === 'POST' ? (path.endsWith('/messages') ? { text: 'hi' } : {}) : undefined });
      expect([path, res.status, res.body.code]).toEqual([path, 404, code]);
    }
    expect(await api.dataSource.query(`SELECT status, unread_count FROM dialogs WHERE id = $1`, [dialogId])).toEqual([{ status: 'open', unread_count: 1 }]);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE dialog_id = $1 AND direction = 'out'`, [dialogId])).toEqual([{ n: 0 }]);
    for (const path of ['/api/v1/dialogs', `/api/v1/dialogs?channelId=${channelId}`, '/api/v1/clients', '/api/v1/leads']) {
      expect((await get(path, agentB)).body).toEqual({ items: [], nextCursor: null });
    }
    expect((await api.request('GET', '/api/v1/dialogs')).status).toBe(401);
    expect((await api.request('GET', '/api/v1/events')).status).toBe(401);
  });

  it('read resets the unread count; close ends the conversation and the next message reopens it', async () => {
    const stream = await sse(agentA, accountA);
    await inbound('chat-4');
    await inbound('chat-4');
    const dialogId = await dialogOf('chat-4');
    await waitFor(async () => (await get(`/api/v1/dialogs/${dialogId}`)).body.unreadCount === 2, 20_000, 'two unread');
    const read = await api.request('POST', `/api/v1/dialogs/${dialogId}/read`, { token: agentA });
    expect(read).toMatchObject({ status: 200, body: { id: dialogId, unreadCount: 0 } });

    const before = (await get(`/api/v1/dialogs/${dialogId}`)).body;
    const closed = await api.request('POST', `/api/v1/dialogs/${dialogId}/close`, { token: agentA });
    expect(closed).toMatchObject({ status: 200, body: { id: dialogId, status: 'closed' } });
    expect((await api.request('POST', `/api/v1/dialogs/${dialogId}/close`, { token: agentA })).body.status).toBe('closed'); // idempotent
    expect((await get(`/api/v1/dialogs?status=closed&channelId=${channelId}`)).body.items.map((d: { id: string }) => d.id)).toEqual([dialogId]);
    await stream.next((e) => e.event === 'dialog.closed' && e.data.dialogId === dialogId, 20_000, 'dialog.closed');

    await inbound('chat-4');
    await waitFor(async () => (await get(`/api/v1/dialogs/${dialogId}`)).body.status === 'open', 20_000, 'reopened');
    const after = (await get(`/api/v1/dialogs/${dialogId}`)).body;
    // The client's lead is still open, and the channel looks for existing leads: the new conversation links it.
    expect(after).toMatchObject({ status: 'open', unreadCount: 1, leadId: before.leadId, client: before.client });
    // The stream follows the database by a hop (crm.events.v1 → live_events): wait for the reopened conversation.
    const closedAt = stream.events.findIndex((e) => e.event === 'dialog.closed' && e.data.dialogId === dialogId);
    await stream.next((e) => e.event === 'message.received' && e.data.dialogId === dialogId && stream.events.indexOf(e) > closedAt, 20_000, 'the reopened conversation');
    const kinds = stream.events.filter((e) => e.data.dialogId === dialogId).map((e) => e.event);
    expect(kinds.filter((k) => k === 'dialog.closed')).toHaveLength(1);
    expect(kinds.slice(kinds.indexOf('dialog.closed'))).toEqual(['dialog.closed', 'dialog.opened', 'lead.linked', 'message.received']);
  });

  it('edits and deletes reach the API (revisions, editedAt, deletedAt) and the live stream', async () => {
    const stream = await sse(agentA, accountA);
    const original = await inbound('chat-5', { text: 'Сколько стоит?', sentAt: '2026-03-01T10:00:00.000Z' });
    const dialogId = await dialogOf('chat-5');
    await inbound('chat-5', { externalMessageId: original.externalMessageId, event: 'edit', text: 'Сколько стоит доставка?', sentAt: '2026-03-01T10:01:00.000Z' });
    await inbound('chat-5', { externalMessageId: original.externalMessageId, event: 'delete', text: undefined, sentAt: '2026-03-01T10:05:00.000Z' });
    await stream.next((e) => e.event === 'message.deleted' && e.data.dialogId === dialogId, 20_000, 'message.deleted');
    const [message] = await messagesOf(dialogId);
    expect(message).toMatchObject({
      text: 'Сколько стоит доставка?',
      editedAt: '2026-03-01T10:01:00.000Z',
      deletedAt: '2026-03-01T10:05:00.000Z',
      revisions: [{ text: 'Сколько стоит?', attachments: [], editedAt: '2026-03-01T10:01:00.000Z' }],
    });
    expect(stream.events.filter((e) => e.data.messageId === message.id).map((e) => e.event)).toEqual(['message.received', 'message.edited', 'message.deleted']);
  });

  it('pages dialogs and messages with cursors; a tampered cursor or an unknown filter is a 400', async () => {
    for (let i = 0; i < 3; i++) await inbound('chat-6', { text: `#${i}` });
    const dialogId = await dialogOf('chat-6');
    await waitFor(async () => (await messagesOf(dialogId)).length === 3, 20_000, 'three messages');
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/dialogs/${dialogId}/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((m: { text: string }) => m.text));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([['#2', '#1'], ['#0']]);

    const all = (await get(`/api/v1/dialogs?limit=100&channelId=${channelId}`)).body.items.map((d: { id: string }) => d.id);
    const walked: string[] = [];
    cursor = null;
    do {
      const res = await get(`/api/v1/dialogs?limit=2&channelId=${channelId}${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all[0]).toBe(dialogId); // most recent activity first

    const bad = Buffer.from(JSON.stringify({ v: "2026-01-01'; DROP TABLE dialogs; --", id: randomUUID() })).toString('base64url');
    expect((await get(`/api/v1/dialogs?cursor=${bad}`)).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await get(`/api/v1/dialogs?status=archived`)).status).toBe(400);
    expect((await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: '   ' } })).status).toBe(400);
    expect((await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'x', extra: 1 } })).status).toBe(400);
  });

  it('refuses a reply through an inactive channel with 409 CHANNEL_INACTIVE and stores nothing', async () => {
    await inbound('chat-7');
    const dialogId = await dialogOf('chat-7');
    await api.dataSource.query(`UPDATE channels SET status = 'inactive' WHERE id = $1`, [channelId]);
    try {
      const res = await api.request('POST', `/api/v1/dialogs/${dialogId}/messages`, { token: agentA, body: { text: 'hello' } });
      expect(res.body).toMatchObject({ statusCode: 409, code: 'CHANNEL_INACTIVE' });
      expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE dialog_id = $1 AND direction = 'out'`, [dialogId])).toEqual([{ n: 0 }]);
    } finally {
      await api.dataSource.query(`UPDATE channels SET status = 'active' WHERE id = $1`, [channelId]);
    }
  });

  it('streams channel status changes reported by connectors to the channel’s account only', async () => {
    const streamA = await sse(agentA, accountA);
    const streamB = await sse(agentB, accountB);
    await producer.send(Topics.ChannelsStatus, [
      {
        key: channelId,
        value: encodeEnvelope(
          createEnvelope('channel.health', { status: 'needs-reauth', causeCode: 'TELEGRAM_TOKEN_REVOKED', at: new Date().toISOString() }, { accountId: accountA, channelId }),
        ),
        headers: { 'x-event-type': 'channel.health' },
      },
    ]);
    const event = await streamA.next((e) => e.event === 'channel.status', 20_000, 'channel.status');
    expect(event.data).toMatchObject({ channelId, status: 'needs-reauth', causeCode: 'TELEGRAM_TOKEN_REVOKED' });
    await new Promise((r) => setTimeout(r, 500));
    expect(streamB.events.some((e) => e.event === 'channel.status')).toBe(false);
  });

  it('documents the new endpoints in OpenAPI', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    for (const path of ['/api/v1/dialogs', '/api/v1/dialogs/{id}', '/api/v1/dialogs/{id}/messages', '/api/v1/dialogs/{id}/close', '/api/v1/dialogs/{id}/read', '/api/v1/clients', '/api/v1/clients/{id}', '/api/v1/leads', '/api/v1/leads/{id}', '/api/v1/events']) {
      expect([path, Boolean(doc.paths[path])]).toEqual([path, true]);
    }
    expect(doc.paths['/api/v1/dialogs/{id}/messages'].post).toBeDefined();
  });
});
