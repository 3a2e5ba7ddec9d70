import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ConnectorTestKit, startConnector } from '@crm/connector-kit';
import { decodeEnvelope, InboundMessageData } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import type { RunningService } from '@crm/service-kit';
import { FakeVkServer, type FakeVkCommunity, type FakeVkUser, freePort, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import type { ConnectorVkConfig } from './config/connector-vk.config';
import { connectorVkService } from './connector-vk.service-definition';

// The connector as a whole against real Kafka and Postgres and the fake VK API / Callback sender: the channel from
// channels.config.v1, confirmation, events on channels.inbound.v1 before `ok`, permissions, replies with stored random_ids.
describe('connector-vk (real Kafka + Postgres, fake VK)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  const accountId = randomUUID();
  const channelId = randomUUID();
  const secret = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  let vk: FakeVkServer;
  let community: FakeVkCommunity;
  let anna: FakeVkUser;
  let db: TestDatabase;
  let pool: Pool;
  let kit: ConnectorTestKit;
  let connector: RunningService<ConnectorVkConfig>;
  let url: string;

  const hook = (id = channelId) => `${url}/webhooks/vk/${id}`;
  const sql = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  const inboundOf = (externalId: string) => kit.inbound(channelId).filter((r) => r.value.data.externalMessageId === externalId);
  const firstInbound = (externalId: string) => waitFor(() => inboundOf(externalId)[0], 5000, `inbound ${externalId}`);
  const statusOf = (messageId: string) =>
    waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === messageId), 20_000, `status of ${messageId}`);
  const lastHealth = () => kit.statuses('channel.health', channelId).at(-1)?.value.data;
  const newMessage = (text: string, extra: Record<string, unknown> = {}, from = anna) => vk.messageNew(community, secret, { from_id: from.id, text, ...extra });
  const idOf = (event: Record<string, unknown>) => String(((event.object as { message: { id: number } }).message).id);
  const reply = (text: string, extra: Record<string, unknown> = {}) =>
    kit.publishOutbound({ accountId, channelId }, { messageId: randomUUID(), dialogId: randomUUID(), channelType: 'vk', externalChatId: String(anna.id), text, ...extra });
  /** Delivers `event` and expects VK's `ok`; then waits until its message is seen. */
  const deliverOk = async (event: Record<string, unknown>) => {
    const answer = await vk.deliver(hook(), event);
    expect(answer).toMatchObject({ status: 200, body: 'ok' });
    return answer;
  };
  /** A message delivered after `probe`s that must produce nothing: once it is seen, none of them can still arrive. */
  const marker = async () => {
    const event = newMessage(`маркер ${randomUUID()}`);
    await deliverOk(event);
    await firstInbound(idOf(event));
  };

  beforeAll(async () => {
    vk = await FakeVkServer.start();
    community = vk.addCommunity({ name: 'Велосипеды', confirmationCode: 'c0nf1rm8' });
    anna = vk.addUser({ firstName: 'Анна', lastName: 'Петрова' });
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection cut by the server (the database dropped at the end): the next query opens another
    await sql(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'vk', 'ВК', 'active')`, [channelId, accountId]);
    const prefix = uniqueTopicPrefix('vk');
    kit = await ConnectorTestKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    await kit.publishChannel({
      channelId,
      accountId,
      type: 'vk',
      name: 'ВК',
      settings: { groupId: community.groupId, callbackConfirmationCode: community.confirmationCode, groupName: community.name },
      credentials: { accessToken: community.token },
      webhookSecret: secret,
    });
    ({ service: connector, url } = await startConnector(connectorVkService, {
      kit,
      databaseUrl: db.url,
      port: await freePort(),
      env: { VK_API_URL: vk.apiUrl, VK_NAME_BUDGET_MS: '300', VK_SEND_RETRY_WINDOW_MS: '15000', VK_HEALTH_INTERVAL_MS: '1000' },
    }));
    await waitFor(async () => ((await vk.deliver(hook(), vk.confirmation(community, secret))).status === 200 ? true : undefined), 20_000, 'channel loaded');
  }, 90_000);

  afterAll(async () => {
    await connector?.close();
    await kit?.close();
    await vk?.close();
    await pool?.end();
    await db?.drop();
  });

  it('confirmation → the confirmation string as plain text; with a wrong secret or community → 403', async () => {
    expect(await vk.deliver(hook(), vk.confirmation(community, secret))).toMatchObject({ status: 200, body: 'c0nf1rm8', contentType: expect.stringMatching(/^text\/plain/) });
    expect(await vk.deliver(hook(), vk.confirmation(community))).toMatchObject({ status: 200, body: 'c0nf1rm8' });
    expect((await vk.deliver(hook(), vk.confirmation(community, 'wrong'))).status).toBe(403);
    expect((await vk.deliver(hook(), { ...vk.confirmation(community, secret), group_id: community.groupId + 1 })).status).toBe(403);
    expect((await vk.deliver(hook(randomUUID()), vk.confirmation(community, secret))).status).toBe(404);
  });

  it('a message is on channels.inbound.v1 before `ok`, keyed by the chat, with the sender name from users.get (cached)', async () => {
    const event = newMessage('Здравствуйте! Есть доставка?');
    await deliverOk(event);
    const record = inboundOf(idOf(event))[0] ?? (await firstInbound(idOf(event)));
    expect(record.key).toBe(`${channelId}:${anna.id}`);
    const data = decodeEnvelope(Buffer.from(JSON.stringify(record.value)), InboundMessageData).data;
    expect(data).toMatchObject({ channelType: 'vk', externalChatId: String(anna.id), kind: 'text', text: 'Здравствуйте! Есть доставка?', event: 'new', sender: { externalUserId: String(anna.id), displayName: 'Анна Петрова' } });
    await deliverOk(newMessage('ещё вопрос'));
    expect(vk.callsOf('users.get')).toHaveLength(1);
  });

  it('attachments, wall posts and edits are normalized; the photo is its largest size', async () => {
    const photo = newMessage('вот такой', { attachments: [{ type: 'photo', photo: { id: 1, owner_id: anna.id, sizes: [{ type: 'm', url: 'https://sun9-1.userapi.com/m.jpg', width: 130, height: 97 }, { type: 'w', url: 'https://sun9-1.userapi.com/w.jpg', width: 1280, height: 960 }] } }] });
    await deliverOk(photo);
    expect((await firstInbound(idOf(photo))).value.data).toMatchObject({ kind: 'image', text: 'вот такой', attachments: [{ kind: 'image', platformFileId: 'https://sun9-1.userapi.com/w.jpg' }] });
    const wall = newMessage('', { attachments: [{ type: 'wall', wall: { id: 7, owner_id: -community.groupId, text: 'Акция' } }] });
    await deliverOk(wall);
    expect((await firstInbound(idOf(wall))).value.data).toMatchObject({ kind: 'text', context: { vkKind: 'wall' } });
    const original = (photo.object as { message: Record<string, unknown> }).message;
    await deliverOk(vk.event(community, secret, 'message_edit', { ...original, text: 'вот такой, синий', update_time: Number(original.date) + 5 }));
    await waitFor(() => inboundOf(idOf(photo)).find((r) => r.value.data.event === 'edit'), 5000, 'edit');
  });

  it('a wrong or missing secret → 403 and nothing produced; the channel is degraded until an authentic call', async () => {
    const healthBefore = kit.statuses('channel.health', channelId).length;
    const forged = newMessage('подделка');
    expect(await vk.deliver(hook(), { ...forged, secret: 'wrong' })).toMatchObject({ status: 403 });
    expect((await vk.deliver(hook(), { ...forged, secret: undefined })).status).toBe(403);
    expect((await vk.deliver(hook(), null, { raw: '{"type":' })).status).toBe(400);
    const degraded = () => kit.statuses('channel.health', channelId).slice(healthBefore).find((r) => r.value.data.causeCode === 'SIGNATURE_REJECTED');
    await waitFor(degraded, 5000, 'degraded');
    await marker();
    expect(inboundOf(idOf(forged))).toEqual([]);
    await waitFor(() => (lastHealth()?.status === 'active' ? true : undefined), 5000, 'active again');
  });

  it('a repeated event_id (VK re-sends with X-Retry-Counter) is produced once; echoes, group chats and other events never', async () => {
    const event = newMessage('дубль');
    await deliverOk(event);
    expect(await vk.deliver(hook(), event, { retry: 1 })).toMatchObject({ status: 200, body: 'ok' });
    expect(await vk.deliver(hook(), event, { retry: 2 })).toMatchObject({ status: 200, body: 'ok' });
    await deliverOk(vk.event(community, secret, 'message_reply', vk.message({ from_id: -community.groupId, peer_id: anna.id, out: 1, text: 'наш ответ', id: 990_001 })));
    await deliverOk(vk.messageNew(community, secret, { from_id: anna.id, peer_id: 2_000_000_001, id: 0, text: 'в беседе' }));
    await deliverOk(vk.event(community, secret, 'message_typing_state', { state: 'typing', from_id: anna.id, to_id: -community.groupId }));
    await marker();
    expect(inboundOf(idOf(event))).toHaveLength(1);
    expect(inboundOf('990001')).toEqual([]);
    expect(kit.inbound(channelId).filter((r) => r.value.data.text === 'в беседе')).toEqual([]);
  });

  it('users.get past the budget: the message goes out without the name, the next one carries it', async () => {
    const boris = vk.addUser({ firstName: 'Борис', lastName: 'Иванов' });
    vk.delayUsersGet(800);
    const first = newMessage('медленно', {}, boris);
    const started = Date.now();
    await deliverOk(first);
    expect(Date.now() - started).toBeLessThan(750);
    expect((await firstInbound(idOf(first))).value.data.sender).toEqual({ externalUserId: String(boris.id) });
    vk.delayUsersGet(0);
    await new Promise((r) => setTimeout(r, 700));
    const second = newMessage('уже с именем', {}, boris);
    await deliverOk(second);
    expect((await firstInbound(idOf(second))).value.data.sender).toEqual({ externalUserId: String(boris.id), displayName: 'Борис Иванов' });
  });

  it('a reply goes out with peer_id and a stored random_id, ends sent with the VK message id; long texts take two ids', async () => {
    const { messageId } = await reply('Да, доставляем за 2 дня');
    const status = await statusOf(messageId);
    const sent = vk.sent.find((s) => s.message === 'Да, доставляем за 2 дня')!;
    expect(sent).toMatchObject({ groupId: community.groupId, peerId: anna.id, randomId: expect.any(Number) });
    expect(status.value.data).toMatchObject({ status: 'sent', externalMessageId: String(sent.id), externalChatId: String(anna.id) });
    expect(await sql(`SELECT part, random_id FROM vk_send_random_ids WHERE channel_id = $1 AND message_id = $2`, [channelId, messageId])).toEqual([{ part: 0, random_id: sent.randomId }]);

    const long = await reply(`${'а'.repeat(8999)} ${'б'.repeat(100)}`);
    await statusOf(long.messageId);
    const parts = vk.sent.slice(-2);
    expect(parts.map((p) => p.randomId)).toEqual([sent.randomId + 1, sent.randomId + 2]);
    const [{ last_random_id: last }] = await sql(`SELECT last_random_id FROM vk_send_sequences WHERE channel_id = $1`, [channelId]);
    expect(last).toBe(sent.randomId + 2);
  });

  it('too many requests (6) backs off and the retry carries the same random_id: delivered once', async () => {
    vk.failNext('messages.send', { kind: 'error', code: 6 }, 1);
    vk.failNext('messages.send', { kind: 'drop-connection' }, 1);
    const { messageId } = await reply('после паузы');
    expect((await statusOf(messageId)).value.data.status).toBe('sent');
    const calls = vk.callsOf('messages.send').filter((c) => c.params.message === 'после паузы');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.params.random_id)).size).toBe(1);
    expect(vk.sent.filter((s) => s.message === 'после паузы')).toHaveLength(1);
  });

  it('message_deny → a reply is refused VK_CANNOT_MESSAGE_USER without asking VK; message_allow or a new message lifts it', async () => {
    await deliverOk(vk.event(community, secret, 'message_deny', { user_id: anna.id }));
    const refused = await reply('вам нельзя');
    expect((await statusOf(refused.messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'VK_CANNOT_MESSAGE_USER' });
    expect(vk.callsOf('messages.send').some((c) => c.params.message === 'вам нельзя')).toBe(false);
    await deliverOk(vk.event(community, secret, 'message_allow', { user_id: anna.id, key: '' }));
    expect((await statusOf((await reply('снова можно')).messageId)).value.data.status).toBe('sent');

    await deliverOk(vk.event(community, secret, 'message_deny', { user_id: anna.id }));
    await new Promise((r) => setTimeout(r, 1100)); // the user writes later than the denial (VK dates are in seconds)
    const wrote = newMessage('я снова пишу');
    await deliverOk(wrote);
    await firstInbound(idOf(wrote));
    // Lifted off the answer path, gathered into one UPDATE a few ms later.
    await waitFor(async () => ((await sql(`SELECT allowed FROM vk_message_permissions WHERE channel_id = $1 AND user_id = $2`, [channelId, anna.id]))[0]?.allowed ? true : undefined), 5000, 'denial lifted');
    expect((await statusOf((await reply('ответ после письма')).messageId)).value.data.status).toBe('sent');
  });

  it('VK refusing the user (901) fails the reply; a rejected token (5) fails it and turns the channel needs-reauth', async () => {
    vk.failNext('messages.send', { kind: 'error', code: 901 }, 1);
    expect((await statusOf((await reply('нельзя')).messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'VK_CANNOT_MESSAGE_USER' });
    vk.failNext('messages.send', { kind: 'error', code: 5 }, 1);
    expect((await statusOf((await reply('токен')).messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'VK_TOKEN_INVALID' });
    await waitFor(() => kit.statuses('channel.health', channelId).find((r) => r.value.data.status === 'needs-reauth' && r.value.data.causeCode === 'VK_TOKEN_INVALID'), 5000, 'needs-reauth');
    await waitFor(() => (lastHealth()?.status === 'active' ? true : undefined), 10_000, 'the health probe sees the token work again');
  });

  it('Kafka down → 503; VK re-sending the same event later succeeds once', async () => {
    const producer = connector.app.get(EventProducer);
    const event = newMessage('пока Kafka недоступна');
    await producer.disconnect();
    try {
      expect((await vk.deliver(hook(), event)).status).toBe(503);
    } finally {
      await producer.connect();
    }
    const answers = await vk.deliverUntilOk(hook(), event, { attempts: 5, intervalMs: 200 });
    expect(answers.at(-1)).toMatchObject({ status: 200, body: 'ok' });
    await firstInbound(idOf(event));
    await deliverOk(event);
    await marker();
    expect(inboundOf(idOf(event))).toHaveLength(1);
  });
});
