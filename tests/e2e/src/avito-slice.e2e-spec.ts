import { FakeAvitoServer, waitFor, type FakeAvitoAccount } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorAvitoService } from '../../../apps/connector-avito/src/connector-avito.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

// The Avito slice, every service running against real Kafka and Postgres, the Avito API replaced by the fake:
// a channel created through the API (token, accounts/self, a Messenger call) → the connector subscribes its webhook →
// webhooks of every kind become messages of a dialog with a client and a lead titled with the listing → agent replies
// reach the fake (a long one split in order); a wrong hook secret, our echo and redeliveries store nothing extra.
describe('Avito slice: channel → subscription → dialog, client, lead with the listing → replies', () => {
  let avito: FakeAvitoServer;
  let seller: FakeAvitoAccount;
  let stack: Stack;
  let admin: string;
  let agent: string;
  let channelId: string;
  let webhookUrl: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  let seq = 0;
  const CLIENT = { id: 185733611, name: 'Иван Петров' };

  const api = (method: string, path: string, body?: unknown, token = admin) => stack.request(method, path, { token, body });
  const send = (chatId: string, type: string, content: Record<string, unknown>, extra: { id?: string; authorId?: number } = {}) => {
    const body = avito.webhookOf(seller, { chatId, type, content, id: extra.id ?? `e2e-${++seq}`, ...(extra.authorId ? { authorId: extra.authorId } : {}) });
    return { body, id: (body.payload as { value: { id: string } }).value.id };
  };
  const dialogOf = (chatId: string) =>
    waitFor(async () => {
      const res = await api('GET', `/api/v1/dialogs?channelId=${channelId}`, undefined, agent);
      return (res.body.items as Array<Record<string, any>> | undefined)?.find((d) => d.externalChatId === chatId);
    }, 20_000, `dialog of ${chatId}`);
  const messagesOf = async (dialogId: string): Promise<Array<Record<string, any>>> => (await api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=100`, undefined, agent)).body.items;
  const messageWith = (dialogId: string, externalId: string) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.direction === 'in' && m.externalId === externalId), 20_000, `message ${externalId}`);

  beforeAll(async () => {
    avito = await FakeAvitoServer.start();
    seller = avito.addAccount({ name: 'Велосипеды на Садовой' });
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
        { name: 'connector-avito', definition: connectorAvitoService as never, routes: ['/webhooks/avito/'] },
      ],
      { AVITO_API_URL: avito.baseUrl, AVITO_HEALTH_INTERVAL_MS: '60000', AVITO_CHAT_INFO_BUDGET_MS: '500' },
    );
    const accountId = await stack.createAccount('Велосипеды');
    admin = stack.token(accountId, 'admin');
    agent = stack.token(accountId, 'agent');
    funnel = (await api('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'В работе' }] })).body;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await avito?.close();
  });

  it('is available; wrong credentials → 422, no Messenger plan → 422; valid ones → active, the webhook subscribed', async () => {
    const types = (await api('GET', '/api/v1/channel-types')).body.items;
    expect(types.find((t: any) => t.type === 'avito')).toMatchObject({ available: true, capabilities: { maxTextLength: 1000 } });
    const body = (settings: Record<string, unknown>) => ({
      name: 'Авито',
      type: 'avito',
      routing: { funnelId: funnel.id, stageId: funnel.stages[0].id, createLeadOnFirstMessage: true, createClientOnFirstMessage: true },
      settings,
    });
    const wrong = await api('POST', '/api/v1/channels', body({ clientId: seller.clientId, clientSecret: 'wrongSecret1234' }));
    expect(wrong.body).toMatchObject({ statusCode: 422, code: 'AVITO_CREDENTIALS_INVALID' });
    const basic = avito.addAccount({ messenger: false });
    const unpaid = await api('POST', '/api/v1/channels', body({ clientId: basic.clientId, clientSecret: basic.clientSecret }));
    expect(unpaid.body).toMatchObject({ statusCode: 422, code: 'AVITO_PLAN_REQUIRED' });
    expect(unpaid.body.message).toMatch(/тариф/);

    const res = await api('POST', '/api/v1/channels', body({ clientId: seller.clientId, clientSecret: seller.clientSecret }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', settings: { clientId: seller.clientId, userId: seller.userId } });
    expect(JSON.stringify(res.body)).not.toContain(seller.clientSecret);
    channelId = res.body.id;
    webhookUrl = res.body.connection.webhookUrl;
    expect(webhookUrl).toMatch(new RegExp(`^${stack.publicUrl}/webhooks/avito/${channelId}/[A-Za-z0-9_-]{20,}$`));
    await waitFor(() => avito.subscriptionsOf(seller).includes(webhookUrl) || undefined, 20_000, 'subscription');
  });

  it('webhooks of every kind become messages of the chat’s dialog, with a client named from the chat and a lead titled with the listing', async () => {
    avito.addChat(seller, { chatId: 'u2i-stels', item: { id: 4012345678, title: 'Велосипед Stels Navigator', price: '12 000 ₽' }, client: CLIENT });
    const first = send('u2i-stels', 'text', { text: 'Здравствуйте! Ещё продаётся?' });
    expect((await avito.post(webhookUrl, first.body)).status).toBe(200);
    const dialog = await dialogOf('u2i-stels');
    expect(dialog.client).toMatchObject({ name: CLIENT.name });
    expect(dialog.context).toEqual({ item: { id: '4012345678', title: 'Велосипед Stels Navigator', url: 'https://www.avito.ru/items/4012345678', price: '12 000 ₽' } });
    const [lead] = await stack.dataSource.query(`SELECT title, funnel_id, stage_id FROM leads WHERE id = $1`, [dialog.leadId]);
    expect(lead).toEqual({ title: 'Avito: Велосипед Stels Navigator', funnel_id: funnel.id, stage_id: funnel.stages[0].id });
    expect(await messageWith(dialog.id, first.id)).toMatchObject({ kind: 'text', text: 'Здравствуйте! Ещё продаётся?' });
    const [stored] = await stack.dataSource.query(`SELECT context FROM messages WHERE external_id = $1`, [first.id]);
    expect(stored.context.item).toEqual({ id: '4012345678', title: 'Велосипед Stels Navigator', url: 'https://www.avito.ru/items/4012345678', price: '12 000 ₽' });

    const kinds: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['image', { image: { sizes: { '140x105': 'https://img.example/s.jpg', '1280x960': 'https://img.example/l.jpg' } } }, { kind: 'image', attachments: [expect.objectContaining({ kind: 'image' })] }],
      ['voice', { voice: { voice_id: 'voice-1' } }, { kind: 'voice' }],
      ['item', { item: { title: 'Шлем', item_url: 'https://avito.ru/shlem', price_string: '2 000 ₽' } }, { kind: 'text', text: 'Шлем\n2 000 ₽\nhttps://avito.ru/shlem' }],
      ['link', { link: { text: 'вот такой', url: 'https://example.com/bike' } }, { kind: 'text', text: 'вот такой\nhttps://example.com/bike' }],
      ['location', { location: { lat: 55.75, lon: 37.61, title: 'Метро' } }, { kind: 'location' }],
      ['call', { call: { status: 'missed' } }, { kind: 'unsupported', text: 'Пропущенный звонок' }],
      ['file', {}, { kind: 'unsupported' }],
    ];
    const sent = kinds.map(([type, content]) => send('u2i-stels', type, content));
    for (const s of sent) expect((await avito.post(webhookUrl, s.body)).status).toBe(200);
    for (const [i, [type, , expected]] of kinds.entries()) {
      const m = await messageWith(dialog.id, sent[i].id);
      try {
        expect(m).toMatchObject(expected);
      } catch (err) {
        throw new Error(`${type}: ${(err as Error).message}`, { cause: err });
      }
    }
    const deleted = send('u2i-stels', 'deleted', {}, { id: sent[0].id });
    expect((await avito.post(webhookUrl, deleted.body)).status).toBe(200);
    await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.externalId === sent[0].id && m.deletedAt) ?? undefined, 20_000, 'deleted');
    const system = send('u2i-stels', 'system', { flow_id: 'bot' });
    expect((await avito.post(webhookUrl, system.body)).status).toBe(200);
    const leads = await stack.dataSource.query(`SELECT count(*)::int AS n FROM leads WHERE dialog_id = $1`, [dialog.id]);
    expect(leads[0].n).toBe(1);
  });

  it('past the chat-info budget the message is stored at once; the dialog and the lead get the listing later', async () => {
    avito.addChat(seller, { chatId: 'u2i-slow', item: { id: 77, title: 'Шкаф-купе' }, client: { id: 9001, name: 'Пётр' }, infoDelayMs: 1500 });
    const first = send('u2i-slow', 'text', { text: 'Шкаф ещё продаётся?' });
    const answer = await avito.post(webhookUrl, first.body);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1000);
    const dialog = await dialogOf('u2i-slow');
    await messageWith(dialog.id, first.id);
    const enriched = await waitFor(async () => {
      const d = (await api('GET', `/api/v1/dialogs/${dialog.id}`, undefined, agent)).body;
      return d.context?.item ? d : undefined;
    }, 20_000, 'dialog enriched');
    expect(enriched.context.item).toMatchObject({ id: '77', title: 'Шкаф-купе' });
    const [lead] = await stack.dataSource.query(`SELECT title FROM leads WHERE id = $1`, [enriched.leadId]);
    expect(lead.title).toBe('Avito: Шкаф-купе');
    expect((await messagesOf(dialog.id)).filter((m) => m.externalId === first.id)).toHaveLength(1);
  });

  it('a wrong hook secret → 404 and nothing stored; our own echo is not stored; a redelivery is stored once', async () => {
    const dialog = await dialogOf('u2i-stels');
    const forged = send('u2i-stels', 'text', { text: 'подделка' });
    expect((await avito.post(`${webhookUrl.slice(0, -3)}xyz`, forged.body)).status).toBe(404);
    expect((await avito.post(webhookUrl.slice(0, webhookUrl.lastIndexOf('/')), forged.body)).status).toBe(404);
    const echo = send('u2i-stels', 'text', { text: 'наш ответ' }, { authorId: seller.userId });
    expect((await avito.post(webhookUrl, echo.body)).status).toBe(200);
    const twice = send('u2i-stels', 'text', { text: 'дважды' });
    expect((await avito.post(webhookUrl, twice.body)).status).toBe(200);
    expect((await avito.post(webhookUrl, twice.body)).status).toBe(200);
    await messageWith(dialog.id, twice.id);
    const marker = send('u2i-stels', 'text', { text: 'последнее' });
    expect((await avito.post(webhookUrl, marker.body)).status).toBe(200);
    await messageWith(dialog.id, marker.id);
    const all = await messagesOf(dialog.id);
    expect(all.filter((m) => m.externalId === twice.id)).toHaveLength(1);
    expect(all.some((m) => m.externalId === forged.id || m.externalId === echo.id)).toBe(false);
  });

  it('agent replies reach the fake; a long reply is split into ≤ 1000-character parts, in order', async () => {
    const dialog = await dialogOf('u2i-stels');
    const short = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Да, продаётся. Приезжайте!' }, agent);
    expect(short.status).toBe(201);
    await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.id === short.body.id && m.status === 'sent'), 20_000, 'short sent');
    expect(avito.sent.filter((s) => s.chatId === 'u2i-stels').map((s) => s.text)).toEqual(['Да, продаётся. Приезжайте!']);

    const paragraphs = Array.from({ length: 12 }, (_, i) => `Пункт ${i + 1}. ${'Подробности о доставке, оплате и гарантии. '.repeat(5).trim()}`);
    const text = paragraphs.join('\n\n');
    const long = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text }, agent);
    expect(long.status).toBe(201);
    const sentLong = await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.id === long.body.id && m.status === 'sent'), 20_000, 'long sent');
    const parts = avito.sent.filter((s) => s.chatId === 'u2i-stels').slice(1).map((s) => s.text);
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(text.length / 1000));
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts.join('\n\n')).toBe(text);
    expect(sentLong.externalId).toBe(avito.sent.filter((s) => s.chatId === 'u2i-stels')[1].id);
  });

  it('an image and a voice message stream through the API from Avito (the voice resolved through getVoiceFiles on open)', async () => {
    const dialog = await dialogOf('u2i-stels');
    const photo = Buffer.from('\xff\xd8\xff\xe0 fake jpeg', 'latin1');
    const voice = Buffer.from('fake opus in mp4');
    const imageUrl = avito.addFile('img/1280x960/p1.jpg', photo);
    avito.addVoice('voice-e2e', voice);
    const image = send('u2i-stels', 'image', { image: { sizes: { '140x105': `${avito.baseUrl}/files/small.jpg`, '1280x960': imageUrl } } });
    const voiceMsg = send('u2i-stels', 'voice', { voice: { voice_id: 'voice-e2e' } });
    for (const m of [image, voiceMsg]) expect((await avito.post(webhookUrl, m.body)).status).toBe(200);
    const download = async (externalId: string) => {
      const stored = await messageWith(dialog.id, externalId);
      const res = await fetch(`${stack.publicUrl}/api/v1/dialogs/${dialog.id}/messages/${stored.id}/attachments/0`, { headers: { authorization: `Bearer ${agent}` } });
      return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const gotImage = await download(image.id);
    expect(gotImage).toMatchObject({ status: 200, type: expect.stringContaining('image/jpeg') });
    expect(gotImage.bytes.equals(photo)).toBe(true);
    const before = avito.callsOf('voiceFiles').length;
    const gotVoice = await download(voiceMsg.id);
    expect(gotVoice).toMatchObject({ status: 200, type: expect.stringContaining('audio/mp4') });
    expect(gotVoice.bytes.equals(voice)).toBe(true);
    expect(avito.callsOf('voiceFiles').length).toBe(before + 1);
  });

  it('reading the dialog marks the chat read on Avito', async () => {
    const dialog = await dialogOf('u2i-stels');
    expect(dialog.unreadCount).toBeGreaterThan(0);
    expect((await api('POST', `/api/v1/dialogs/${dialog.id}/read`, undefined, agent)).status).toBe(200);
    await waitFor(() => avito.readMarks.includes(`${seller.userId}:u2i-stels`) || undefined, 10_000, 'mark read');
  });

  it('never logged the client secret or an access token', () => {
    const tokens = [...new Set(avito.calls.map((c) => c.token).filter((t): t is string => !!t))];
    expect(tokens.length).toBeGreaterThan(0);
    const logs = stack.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [seller.clientSecret, ...tokens]) expect(logs).not.toContain(secret);
  });
});
