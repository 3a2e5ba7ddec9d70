import { EventProducer } from '@crm/messaging';
import { FakeVkServer, waitFor, type FakeVkCommunity, type FakeVkUser } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorVkService } from '../../../apps/connector-vk/src/connector-vk.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

// The VK slice, every service running against real Kafka and Postgres, the VK API and Callback sender replaced by the
// fake: a channel created through the API (live token check, confirmation string learned) → VK's confirmation → events
// of every kind become messages in the sender's dialog with a client and a lead → an agent reply reaches messages.send
// with a random_id and ends sent → read receipts; a bad secret, a duplicate event_id, an echo and a Kafka outage.
describe('VK slice: channel → confirmation → dialog, client, lead → reply with random_id, read receipt', () => {
  let vk: FakeVkServer;
  let community: FakeVkCommunity;
  let anna: FakeVkUser;
  let boris: FakeVkUser;
  let stack: Stack;
  let admin: string;
  let agent: string;
  let channelId: string;
  let secret: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  const photoBytes = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes of a VK photo', 'latin1');

  const api = (method: string, path: string, body?: unknown, token = admin) => stack.request(method, path, { token, body });
  const hook = () => `${stack.publicUrl}/webhooks/vk/${channelId}`;
  const deliver = async (event: Record<string, unknown>) => {
    const answer = await vk.deliver(hook(), event);
    expect(answer).toMatchObject({ status: 200, body: 'ok' });
    return event;
  };
  const send = (from: FakeVkUser, text: string, extra: Record<string, unknown> = {}) => deliver(vk.messageNew(community, secret, { from_id: from.id, text, ...extra }));
  const idOf = (event: Record<string, unknown>) => String((event.object as { message: { id: number } }).message.id);
  const dialogOf = (user: FakeVkUser) =>
    waitFor(async () => {
      const res = await api('GET', `/api/v1/dialogs?channelId=${channelId}`, undefined, agent);
      return (res.body.items as Array<Record<string, any>> | undefined)?.find((d) => d.externalChatId === String(user.id));
    }, 20_000, `dialog of ${user.id}`);
  const messagesOf = async (dialogId: string): Promise<Array<Record<string, any>>> => (await api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=100`, undefined, agent)).body.items;
  const messageWith = (dialogId: string, externalId: string, check: (m: Record<string, any>) => boolean = () => true) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.direction === 'in' && m.externalId === externalId && check(m)), 20_000, `message ${externalId}`);
  const outWith = (dialogId: string, id: string, status: string) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.id === id && m.status === status), 20_000, `message ${id} ${status}`);

  beforeAll(async () => {
    vk = await FakeVkServer.start();
    community = vk.addCommunity({ name: 'Велосипеды', screenName: 'bikes', confirmationCode: 'e2ec0de1' });
    anna = vk.addUser({ firstName: 'Анна', lastName: 'Петрова' });
    boris = vk.addUser({ firstName: 'Борис', lastName: 'Иванов' });
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
        { name: 'connector-vk', definition: connectorVkService as never, routes: ['/webhooks/vk/'] },
      ],
      { VK_API_URL: vk.apiUrl, VK_HEALTH_INTERVAL_MS: '60000' },
    );
    const accountId = await stack.createAccount('Магазин');
    admin = stack.token(accountId, 'admin');
    agent = stack.token(accountId, 'agent');
    funnel = (await api('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'В работе' }] })).body;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await vk?.close();
  });

  it('is available; a rejected token or another community’s token → 422; a valid one is active with the callback URL and secret', async () => {
    const types = (await api('GET', '/api/v1/channel-types')).body.items;
    expect(types.find((t: any) => t.type === 'vk')).toMatchObject({ available: true, capabilities: { readReceipts: true } });
    const body = (settings: Record<string, unknown>) => ({ name: 'ВКонтакте', type: 'vk', settings });
    const rejected = await api('POST', '/api/v1/channels', body({ groupId: community.groupId, accessToken: 'vk1.a.rejectedrejectedrejected' }));
    expect(rejected).toMatchObject({ status: 422, body: { code: 'VK_TOKEN_INVALID' } });
    const other = vk.addCommunity();
    expect(await api('POST', '/api/v1/channels', body({ groupId: community.groupId, accessToken: other.token }))).toMatchObject({ status: 422, body: { code: 'VK_GROUP_MISMATCH' } });

    const res = await api('POST', '/api/v1/channels', {
      ...body({ groupId: community.groupId, accessToken: community.token }),
      routing: { funnelId: funnel.id, stageId: funnel.stages[1].id, createLeadOnFirstMessage: true, findExistingLead: false, createClientOnFirstMessage: true, autoMatchClient: false },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', settings: { groupId: community.groupId, groupName: 'Велосипеды', callbackConfirmationCode: 'e2ec0de1' } });
    channelId = res.body.id;
    expect(res.body.connection).toMatchObject({ manual: true, callbackUrl: `${stack.publicUrl}/webhooks/vk/${channelId}`, secretKey: expect.stringMatching(/^[A-Za-z0-9]{20,50}$/) });
    secret = res.body.connection.secretKey;
  });

  it('VK’s confirmation call through the public origin is answered with the confirmation string', async () => {
    const answer = await waitFor(async () => {
      const a = await vk.deliver(hook(), vk.confirmation(community, secret));
      return a.status === 200 ? a : undefined;
    }, 20_000, 'confirmation');
    expect(answer).toMatchObject({ body: 'e2ec0de1', contentType: expect.stringMatching(/^text\/plain/) });
  });

  it('events of every kind become messages of the right kind in the sender’s dialog, with client and lead per the routing', async () => {
    const first = await send(anna, 'Здравствуйте! Есть доставка?');
    const dialog = await dialogOf(anna);
    expect(dialog.client).toMatchObject({ name: 'Анна Петрова' });
    const [lead] = await stack.dataSource.query(`SELECT funnel_id, stage_id, channel_id, client_id FROM leads WHERE id = $1`, [dialog.leadId]);
    expect(lead).toEqual({ funnel_id: funnel.id, stage_id: funnel.stages[1].id, channel_id: channelId, client_id: dialog.client.id });
    await messageWith(dialog.id, idOf(first), (m) => m.kind === 'text' && m.text === 'Здравствуйте! Есть доставка?');

    const photoUrl = vk.addFile('photo.jpg', photoBytes, 'image/jpeg');
    const kinds: Array<[string, Record<string, unknown>, (m: Record<string, any>) => void]> = [
      ['photo', { text: 'вот такой', attachments: [{ type: 'photo', photo: { id: 1, owner_id: anna.id, sizes: [{ type: 's', url: `${photoUrl}?s`, width: 75, height: 56 }, { type: 'x', url: photoUrl, width: 604, height: 453 }] } }] }, (m) =>
        expect(m).toMatchObject({ kind: 'image', text: 'вот такой', attachments: [expect.objectContaining({ kind: 'image', platformFileId: photoUrl, mimeType: 'image/jpeg' })] })],
      ['doc', { attachments: [{ type: 'doc', doc: { id: 2, owner_id: anna.id, title: 'Счёт', ext: 'pdf', size: 1234, url: 'https://vk.com/doc1_2?hash=h' } }] }, (m) =>
        expect(m).toMatchObject({ kind: 'document', attachments: [expect.objectContaining({ fileName: 'Счёт.pdf', mimeType: 'application/pdf', size: 1234 })] })],
      ['voice', { attachments: [{ type: 'audio_message', audio_message: { id: 3, owner_id: anna.id, duration: 3, link_ogg: 'https://psv4.userapi.com/v.ogg', link_mp3: 'https://psv4.userapi.com/v.mp3' } }] }, (m) =>
        expect(m).toMatchObject({ kind: 'voice', attachments: [expect.objectContaining({ kind: 'voice', mimeType: 'audio/ogg' })] })],
      ['video', { attachments: [{ type: 'video', video: { id: 4, owner_id: -1, title: 'Обзор', duration: 60 } }] }, (m) => expect(m).toMatchObject({ kind: 'video', context: { videos: [{ url: 'https://vk.com/video-1_4' }] } })],
      ['sticker', { attachments: [{ type: 'sticker', sticker: { product_id: 1, sticker_id: 9, images: [{ url: 'https://vk.com/sticker/1-9-128', width: 128, height: 128 }] } }] }, (m) => expect(m.kind).toBe('sticker')],
      ['wall', { attachments: [{ type: 'wall', wall: { id: 5, owner_id: -community.groupId, text: 'Акция недели' } }] }, (m) =>
        expect(m).toMatchObject({ kind: 'text', text: `Акция недели\nhttps://vk.com/wall-${community.groupId}_5`, context: { vkKind: 'wall' } })],
      ['market', { attachments: [{ type: 'market', market: { id: 6, owner_id: -community.groupId, title: 'Велосипед', price: { text: '15 000 ₽' } } }] }, (m) =>
        expect(m).toMatchObject({ kind: 'text', context: { vkKind: 'market', item: { title: 'Велосипед', price: '15 000 ₽' } } })],
      ['link', { text: 'смотрите https://shop.example/x', attachments: [{ type: 'link', link: { url: 'https://shop.example/x', title: 'Товар' } }] }, (m) => expect(m).toMatchObject({ kind: 'text', context: { vkKind: 'link' } })],
      ['geo', { geo: { type: 'point', coordinates: { latitude: 55.7558, longitude: 37.6173 } } }, (m) => expect(m.kind).toBe('location')],
      ['reply', { text: 'это ответ', reply_message: { id: Number(idOf(first)), date: 1, peer_id: anna.id, from_id: anna.id, text: 'x' } }, (m) => expect(m).toMatchObject({ kind: 'text', text: 'это ответ' })],
      ['forward', { text: 'пересылаю', fwd_messages: [{ date: 1, from_id: boris.id, text: 'пересланное' }] }, (m) => expect(m).toMatchObject({ context: { forwarded: [{ text: 'пересланное' }] } })],
    ];
    for (const [label, content, check] of kinds) {
      const event = await send(anna, '', content);
      const stored = await messageWith(dialog.id, idOf(event));
      // The platform extras are stored with the message (the message response does not show them).
      const [{ context }] = await stack.dataSource.query(`SELECT context FROM messages WHERE id = $1`, [stored.id]);
      try {
        check({ ...stored, context });
      } catch (err) {
        throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
      }
    }

    // The photo streams back through the API from its direct VK URL.
    const photo = (await messagesOf(dialog.id)).find((m) => m.kind === 'image')!;
    const file = await fetch(`${stack.publicUrl}/api/v1/dialogs/${dialog.id}/messages/${photo.id}/attachments/0`, { headers: { authorization: `Bearer ${agent}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(photoBytes)).toBe(true);

    // An edit changes the stored message, not a new one.
    const original = (first.object as { message: Record<string, unknown> }).message;
    await deliver(vk.event(community, secret, 'message_edit', { ...original, text: 'Здравствуйте! Есть доставка в Казань?', update_time: Number(original.date) + 30 }));
    await messageWith(dialog.id, idOf(first), (m) => m.text === 'Здравствуйте! Есть доставка в Казань?' && m.editedAt !== null);
    expect((await messagesOf(dialog.id)).filter((m) => m.externalId === idOf(first))).toHaveLength(1);

    // Another user gets a dialog of their own.
    await send(boris, 'Добрый день');
    expect((await dialogOf(boris)).client).toMatchObject({ name: 'Борис Иванов' });
  });

  it('a duplicate event_id is stored once; our own echo and a bad secret are never stored', async () => {
    const dialog = await dialogOf(anna);
    const event = await send(anna, 'повтор');
    await vk.deliver(hook(), event, { retry: 1 });
    const echo = vk.event(community, secret, 'message_reply', vk.message({ from_id: -community.groupId, peer_id: anna.id, out: 1, text: 'эхо', id: 880_001 }));
    await deliver(echo);
    const forged = vk.messageNew(community, 'wrong-secret', { from_id: anna.id, text: 'подделка' });
    expect((await vk.deliver(hook(), forged)).status).toBe(403);
    const after = await send(anna, 'маркер');
    await messageWith(dialog.id, idOf(after));
    const all = await messagesOf(dialog.id);
    expect(all.filter((m) => m.externalId === idOf(event))).toHaveLength(1);
    expect(all.some((m) => m.externalId === '880001' || m.text === 'эхо' || m.text === 'подделка')).toBe(false);
  });

  it('an agent reply reaches messages.send with peer_id and random_id and ends sent; reading the dialog marks it read on VK', async () => {
    const dialog = await dialogOf(anna);
    const res = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Да, доставляем в Казань за 2 дня' }, agent);
    expect(res.status).toBe(201);
    const sent = await outWith(dialog.id, res.body.id, 'sent');
    const call = vk.sent.find((s) => s.message === 'Да, доставляем в Казань за 2 дня')!;
    expect(call).toMatchObject({ groupId: community.groupId, peerId: anna.id, randomId: expect.any(Number) });
    expect(sent.externalId).toBe(String(call.id));

    const lastIn = (await messagesOf(dialog.id)).filter((m) => m.direction === 'in').map((m) => Number(m.externalId)).sort((a, b) => b - a)[0];
    expect((await api('POST', `/api/v1/dialogs/${dialog.id}/read`, undefined, agent)).status).toBe(200);
    await waitFor(() => vk.reads.find((r) => r.messageIds?.includes(lastIn)), 10_000, 'messages.markAsRead');
  });

  it('a reply to a user who denied the community’s messages fails VK_CANNOT_MESSAGE_USER', async () => {
    const dialog = await dialogOf(boris);
    await deliver(vk.event(community, secret, 'message_deny', { user_id: boris.id }));
    const res = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'вам нельзя' }, agent);
    const failed = await outWith(dialog.id, res.body.id, 'failed');
    expect(failed.errorCode).toBe('VK_CANNOT_MESSAGE_USER');
    expect(vk.sent.some((s) => s.message === 'вам нельзя')).toBe(false);
  });

  it('Kafka down for the connector → 503; VK re-sending the event later stores it once', async () => {
    const producer = stack.services['connector-vk'].app.get(EventProducer);
    const event = vk.messageNew(community, secret, { from_id: anna.id, text: 'пока Kafka недоступна' });
    await producer.disconnect();
    try {
      expect((await vk.deliver(hook(), event)).status).toBe(503);
    } finally {
      await producer.connect();
    }
    const answers = await vk.deliverUntilOk(hook(), event, { attempts: 10, intervalMs: 300 });
    expect(answers.at(-1)).toMatchObject({ status: 200, body: 'ok' });
    const dialog = await dialogOf(anna);
    await messageWith(dialog.id, idOf(event));
    await vk.deliver(hook(), event, { retry: answers.length });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await messagesOf(dialog.id)).filter((m) => m.externalId === idOf(event))).toHaveLength(1);
  });
});
