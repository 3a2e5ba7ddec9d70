import { randomBytes } from 'node:crypto';
import { EventProducer } from '@crm/messaging';
import { FakeGraphServer, waitFor, type FakeWaNumber } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorWhatsappService } from '../../../apps/connector-whatsapp/src/connector-whatsapp.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

// The WhatsApp slice, every service running against real Kafka and Postgres, the Graph API replaced by the fake:
// a channel created through the API (live credential check) → the verify handshake → signed webhooks of every kind
// become messages in the right dialog with a client (verified phone +7…) and a lead → an agent reply reaches the fake →
// statuses move it to read → outside the 24-hour window a text reply is refused and a template goes out.
describe('WhatsApp slice: channel → handshake → dialog, client, lead → reply, statuses, window, template', () => {
  let graph: FakeGraphServer;
  let number: FakeWaNumber;
  let stack: Stack;
  let admin: string;
  let agent: string;
  let channelId: string;
  let verifyToken: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  const ANNA = '79161234567';
  const OLGA = '79035550001';
  const mediaBytes = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes', 'latin1');
  let seq = 0;

  const api = (method: string, path: string, body?: unknown, token = admin) => stack.request(method, path, { token, body });
  const hook = () => `${stack.publicUrl}/webhooks/whatsapp/${channelId}`;
  const wamid = () => `wamid.E2E${++seq}${randomBytes(4).toString('hex')}`;
  const now = () => Math.floor(Date.now() / 1000);
  const msg = (from: string, type: string, content: Record<string, unknown>, options: { id?: string; timestamp?: number } = {}) => ({
    from,
    id: options.id ?? wamid(),
    timestamp: String(options.timestamp ?? now()),
    type,
    ...content,
  });
  const post = async (from: string, name: string, messages: unknown[], options: { signature?: string | null } = {}) =>
    graph.deliverWebhook(hook(), FakeGraphServer.webhook(number, { contacts: [{ profile: { name }, wa_id: from }], messages }), number.appSecret, options);
  const statuses = (list: unknown[]) => graph.deliverWebhook(hook(), FakeGraphServer.webhook(number, { statuses: list }), number.appSecret);
  const dialogOf = (waId: string) =>
    waitFor(async () => {
      const res = await api('GET', `/api/v1/dialogs?channelId=${channelId}`, undefined, agent);
      return (res.body.items as Array<Record<string, any>> | undefined)?.find((d) => d.externalChatId === waId);
    }, 20_000, `dialog of ${waId}`);
  const messagesOf = async (dialogId: string): Promise<Array<Record<string, any>>> => (await api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=100`, undefined, agent)).body.items;
  const messageWith = (dialogId: string, externalId: string) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.direction === 'in' && m.externalId === externalId), 20_000, `message ${externalId}`);
  const outWith = (dialogId: string, id: string, status: string) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.id === id && m.status === status), 20_000, `message ${id} ${status}`);

  beforeAll(async () => {
    graph = await FakeGraphServer.start();
    number = graph.addNumber({ verifiedName: 'Магазин' });
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
        { name: 'connector-whatsapp', definition: connectorWhatsappService as never, routes: ['/webhooks/whatsapp/'] },
      ],
      { WHATSAPP_GRAPH_URL: graph.baseUrl, WHATSAPP_HEALTH_INTERVAL_MS: '60000', CHANNEL_VERIFY_RETRY_MS: '300' },
    );
    const accountId = await stack.createAccount('Магазин');
    admin = stack.token(accountId, 'admin');
    agent = stack.token(accountId, 'agent');
    const created = await api('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'В работе' }] });
    funnel = created.body;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await graph?.close();
  });

  it('is available; bad credentials are refused with 422; a valid channel is active with the callback URL and verify token', async () => {
    const types = (await api('GET', '/api/v1/channel-types')).body.items;
    expect(types.find((t: any) => t.type === 'whatsapp')).toMatchObject({ available: true, capabilities: { replyWindowHours: 24, canStartConversation: false } });
    const body = (settings: Record<string, unknown>) => ({
      name: 'WhatsApp',
      type: 'whatsapp',
      routing: { funnelId: funnel.id, stageId: funnel.stages[0].id, createLeadOnFirstMessage: true, createClientOnFirstMessage: true, autoMatchClient: true },
      settings: { phoneNumberId: number.phoneNumberId, accessToken: number.accessToken, appSecret: number.appSecret, businessAccountId: number.wabaId, ...settings },
    });
    expect((await api('POST', '/api/v1/channels', body({ accessToken: 'EAAGwrong-token-000000' }))).body).toMatchObject({ statusCode: 422, code: 'WHATSAPP_TOKEN_INVALID' });
    expect((await api('POST', '/api/v1/channels', body({ phoneNumberId: '123456789' }))).body).toMatchObject({ statusCode: 422, code: 'WHATSAPP_PHONE_NUMBER_NOT_FOUND' });
    const res = await api('POST', '/api/v1/channels', body({}));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', settings: { verifiedName: 'Магазин' } });
    channelId = res.body.id;
    expect(res.body.connection).toMatchObject({ callbackUrl: hook(), verifyToken: expect.any(String) });
    verifyToken = res.body.connection.verifyToken;
  });

  it('Graph unreachable on save → saved with status error, re-checked in the background and active once Graph is back', async () => {
    const spare = graph.addNumber();
    await graph.stop();
    let res;
    try {
      res = await api('POST', '/api/v1/channels', { name: 'WhatsApp в ожидании', type: 'whatsapp', settings: { phoneNumberId: spare.phoneNumberId, accessToken: spare.accessToken, appSecret: spare.appSecret } });
    } finally {
      await graph.restart();
    }
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE' });
    await waitFor(async () => ((await api('GET', `/api/v1/channels/${res.body.id}`)).body.status === 'active' ? true : undefined), 20_000, 're-verified');
    expect((await api('POST', `/api/v1/channels/${res.body.id}/deactivate`)).status).toBe(200);
  });

  it('the handshake answers the challenge once the connector has the channel', async () => {
    const answer = await waitFor(async () => {
      const a = await graph.verifyCallback(hook(), verifyToken, '987654321');
      return a.status === 200 ? a : undefined;
    }, 20_000, 'handshake');
    expect(answer.body).toBe('987654321');
    expect((await graph.verifyCallback(hook(), 'nope')).status).toBe(403);
  });

  it('signed webhooks of every kind become messages in the sender’s dialog, with a client (phone +7…) and a lead', async () => {
    const mediaId = graph.addMedia(number.phoneNumberId, mediaBytes, 'image/jpeg');
    const first = wamid();
    expect((await post(ANNA, 'Анна Петрова', [msg(ANNA, 'text', { text: { body: 'Здравствуйте! Есть доставка?' } }, { id: first })])).status).toBe(200);
    const dialog = await dialogOf(ANNA);
    expect(dialog.client).toMatchObject({ name: 'Анна Петрова' });
    expect(dialog.leadId).toEqual(expect.any(String));
    const client = (await api('GET', `/api/v1/clients/${dialog.client.id}`, undefined, agent)).body;
    expect(client).toMatchObject({ phone: `+${ANNA}`, phoneVerified: true });
    expect(client.identities).toEqual([expect.objectContaining({ channelType: 'whatsapp', externalUserId: ANNA, phone: `+${ANNA}`, matchRule: 'created' })]);
    const [lead] = await stack.dataSource.query(`SELECT funnel_id, stage_id, dialog_id FROM leads WHERE id = $1`, [dialog.leadId]);
    expect(lead).toEqual({ funnel_id: funnel.id, stage_id: funnel.stages[0].id, dialog_id: dialog.id });

    const kinds: Array<[string, Record<string, unknown>, (m: Record<string, any>) => void]> = [
      ['image', { image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'x', caption: 'вот фото' } }, (m) => expect(m).toMatchObject({ kind: 'image', text: 'вот фото', attachments: [expect.objectContaining({ platformFileId: mediaId })] })],
      ['video', { video: { id: 'V1', mime_type: 'video/mp4' } }, (m) => expect(m.kind).toBe('video')],
      ['document', { document: { id: 'D1', mime_type: 'application/pdf', filename: 'счёт.pdf' } }, (m) => expect(m.attachments[0]).toMatchObject({ fileName: 'счёт.pdf' })],
      ['audio', { audio: { id: 'A1', mime_type: 'audio/mpeg', voice: false } }, (m) => expect(m.kind).toBe('audio')],
      ['voice', { audio: { id: 'A2', mime_type: 'audio/ogg', voice: true } }, (m) => expect(m.kind).toBe('voice')],
      ['sticker', { sticker: { id: 'S1', mime_type: 'image/webp', animated: false } }, (m) => expect(m.kind).toBe('sticker')],
      ['location', { location: { latitude: 55.75, longitude: 37.61, name: 'Офис' } }, (m) => expect(m.kind).toBe('location')],
      ['contacts', { contacts: [{ name: { formatted_name: 'Олег' }, phones: [{ phone: '+79990000000' }] }] }, (m) => expect(m.kind).toBe('contact')],
      ['interactive', { interactive: { type: 'list_reply', list_reply: { id: 'size-m', title: 'Размер M' } } }, (m) => expect(m).toMatchObject({ kind: 'text', text: 'Размер M' })],
      ['button', { button: { payload: 'YES', text: 'Да' } }, (m) => expect(m).toMatchObject({ kind: 'text', text: 'Да' })],
      ['text', { text: { body: 'это ответ' }, context: { from: '15550100', id: first } }, (m) => expect(m).toMatchObject({ kind: 'text', text: 'это ответ' })],
      ['text', { text: { body: 'по рекламе' }, referral: { source_type: 'ad', ctwa_clid: 'ARAk' } }, (m) => expect(m.text).toBe('по рекламе')],
      ['unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }, (m) => expect(m.kind).toBe('unsupported')],
    ];
    const batch = kinds.map(([type, content]) => msg(ANNA, type === 'voice' ? 'audio' : type, content));
    // One POST with every kind plus a reaction, as Meta batches them.
    expect((await post(ANNA, 'Анна Петрова', [...batch, msg(ANNA, 'reaction', { reaction: { message_id: first, emoji: '👍' } })])).status).toBe(200);
    for (const [i, [label, , check]] of kinds.entries()) {
      const stored = await messageWith(dialog.id, batch[i].id);
      try {
        check(stored);
      } catch (err) {
        throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
      }
    }
    const all = await messagesOf(dialog.id);
    expect(all.filter((m) => m.direction === 'in')).toHaveLength(kinds.length + 1);

    // The image streams back through the API from the Graph media URL.
    const image = all.find((m) => m.kind === 'image')!;
    const file = await fetch(`${stack.publicUrl}/api/v1/dialogs/${dialog.id}/messages/${image.id}/attachments/0`, { headers: { authorization: `Bearer ${agent}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(mediaBytes)).toBe(true);
  });

  it('2026 business-scoped ids: keyed on the BSUID, the wa_id linked as the verified phone — a user who adopts a username (no phone any more) stays one dialog and one client', async () => {
    const waId = '79267770011';
    const bsuid = 'US.13491208655302741918';
    const both = { ...msg(waId, 'text', { text: { body: 'с номером' } }), from_user_id: bsuid };
    const contactBoth = { profile: { name: 'Пётр' }, wa_id: waId, user_id: bsuid };
    expect((await graph.deliverWebhook(hook(), FakeGraphServer.webhook(number, { contacts: [contactBoth], messages: [both] }), number.appSecret)).status).toBe(200);
    const dialog = await dialogOf(bsuid);
    const client = (await api('GET', `/api/v1/clients/${dialog.client.id}`, undefined, agent)).body;
    expect(client).toMatchObject({ phone: `+${waId}`, phoneVerified: true });
    expect(client.identities).toEqual([expect.objectContaining({ externalUserId: bsuid, phone: `+${waId}` })]);

    const { from: _from, ...noPhone } = { ...msg(waId, 'text', { text: { body: 'уже без номера' } }), from_user_id: bsuid };
    const contactUsername = { profile: { name: 'Пётр', username: 'petr_shop' }, user_id: bsuid };
    expect((await graph.deliverWebhook(hook(), FakeGraphServer.webhook(number, { contacts: [contactUsername], messages: [noPhone] }), number.appSecret)).status).toBe(200);
    await messageWith(dialog.id, noPhone.id);
    expect((await dialogOf(bsuid)).client.id).toBe(dialog.client.id);
    const dialogs = (await api('GET', `/api/v1/dialogs?channelId=${channelId}`, undefined, agent)).body.items as Array<{ client: { id: string } | null }>;
    expect(dialogs.filter((d) => d.client?.id === dialog.client.id)).toHaveLength(1);
  });

  it('an agent reply reaches the fake as +<wa_id>; statuses move it to read (an out-of-order one never back); reading the dialog marks the last inbound read', async () => {
    const dialog = await dialogOf(ANNA);
    graph.customerWrote(number.phoneNumberId, ANNA);
    const res = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Да, доставляем завтра' }, agent);
    expect(res.status).toBe(201);
    const sent = await outWith(dialog.id, res.body.id, 'sent');
    const out = graph.sent(number.phoneNumberId).find((s) => s.body.biz_opaque_callback_data === res.body.id)!;
    expect(out).toMatchObject({ to: `+${ANNA}`, body: { type: 'text', text: { body: 'Да, доставляем завтра' } } });
    expect(sent.externalId).toBe(out.wamid);
    const st = (status: string) => ({ id: out.wamid, status, timestamp: String(now()), recipient_id: ANNA, biz_opaque_callback_data: res.body.id });
    expect((await statuses([st('read')])).status).toBe(200);
    await outWith(dialog.id, res.body.id, 'read');
    expect((await statuses([st('delivered')])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await messagesOf(dialog.id)).find((m) => m.id === res.body.id)!.status).toBe('read');

    const lastIn = (await messagesOf(dialog.id)).find((m) => m.direction === 'in')!;
    expect((await api('POST', `/api/v1/dialogs/${dialog.id}/read`, undefined, agent)).status).toBe(200);
    await waitFor(() => graph.readMarks(number.phoneNumberId).includes(lastIn.externalId) || undefined, 10_000, 'mark read');
  });

  it('outside the 24-hour window a text reply is refused with 422 REPLY_WINDOW_CLOSED; an approved template goes out', async () => {
    const old = now() - 25 * 3600;
    expect((await post(OLGA, 'Ольга', [msg(OLGA, 'text', { text: { body: 'вчерашний вопрос' } }, { timestamp: old })])).status).toBe(200);
    const dialog = await dialogOf(OLGA);
    await waitFor(async () => (await messagesOf(dialog.id)).length > 0 || undefined, 20_000, 'old message stored');
    const refused = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Здравствуйте!' }, agent);
    expect(refused.body).toMatchObject({ statusCode: 422, code: 'REPLY_WINDOW_CLOSED' });
    expect((await messagesOf(dialog.id)).filter((m) => m.direction === 'out')).toHaveLength(0);

    graph.addTemplate(number.wabaId, { name: 'order_ready', language: 'ru' });
    graph.addTemplate(number.wabaId, { name: 'draft_one', language: 'ru', status: 'PENDING' });
    const templates = await api('GET', `/api/v1/channels/${channelId}/templates`, undefined, agent);
    expect(templates.status).toBe(200);
    expect(templates.body.items.map((t: any) => t.name)).toEqual(['order_ready']);
    const template = { name: 'order_ready', language: 'ru', components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] };
    expect((await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'и то и другое', template }, agent)).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await api('GET', `/api/v1/channels/00000000-0000-4000-8000-000000000000/templates`, undefined, agent)).status).toBe(404);
    const second = graph.addNumber();
    const noWaba = await api('POST', '/api/v1/channels', { name: 'Без WABA', type: 'whatsapp', settings: { phoneNumberId: second.phoneNumberId, accessToken: second.accessToken, appSecret: second.appSecret } });
    expect((await api('GET', `/api/v1/channels/${noWaba.body.id}/templates`, undefined, agent)).body).toMatchObject({ statusCode: 422, code: 'WHATSAPP_BUSINESS_ACCOUNT_REQUIRED' });
    const res = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { template }, agent);
    expect(res.status).toBe(201);
    await outWith(dialog.id, res.body.id, 'sent');
    expect(graph.sent(number.phoneNumberId).find((s) => s.body.biz_opaque_callback_data === res.body.id)!.body).toMatchObject({
      to: `+${OLGA}`,
      type: 'template',
      template: { name: 'order_ready', language: { code: 'ru' }, components: template.components },
    });
  });

  it('a missing or wrong signature → 401 / 403, nothing stored, the channel degraded; the same POST three times → one message', async () => {
    const dialog = await dialogOf(ANNA);
    const forged = msg(ANNA, 'text', { text: { body: 'подделка' } });
    expect((await post(ANNA, 'Анна', [forged], { signature: null })).status).toBe(401);
    expect((await post(ANNA, 'Анна', [forged], { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(403);
    await waitFor(async () => ((await api('GET', `/api/v1/channels/${channelId}`)).body.health?.status === 'degraded' ? true : undefined), 20_000, 'degraded');
    expect((await api('GET', `/api/v1/channels/${channelId}`)).body.health).toMatchObject({ causeCode: 'SIGNATURE_REJECTED' });

    const repeated = msg(ANNA, 'text', { text: { body: 'три раза' } });
    for (let i = 0; i < 3; i++) expect((await post(ANNA, 'Анна', [repeated])).status).toBe(200);
    await messageWith(dialog.id, repeated.id);
    await new Promise((r) => setTimeout(r, 1000));
    const mine = await messagesOf(dialog.id);
    expect(mine.filter((m) => m.externalId === repeated.id)).toHaveLength(1);
    expect(mine.some((m) => m.externalId === forged.id)).toBe(false);
  });

  it('Kafka down for the connector → 503; the redelivery later succeeds once', async () => {
    const producer = stack.services['connector-whatsapp'].app.get(EventProducer);
    const m = msg(ANNA, 'text', { text: { body: 'пока Kafka недоступна' } });
    await producer.disconnect();
    try {
      expect((await post(ANNA, 'Анна', [m])).status).toBe(503);
    } finally {
      await producer.connect();
    }
    expect((await post(ANNA, 'Анна', [m])).status).toBe(200);
    const dialog = await dialogOf(ANNA);
    await messageWith(dialog.id, m.id);
    await new Promise((r) => setTimeout(r, 500));
    expect((await messagesOf(dialog.id)).filter((x) => x.externalId === m.id)).toHaveLength(1);
  });
});
