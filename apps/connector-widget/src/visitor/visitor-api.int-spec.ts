import { randomUUID } from 'node:crypto';
import { decodeEnvelope, InboundMessageData } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';
import { readTopic } from '@crm/testing';
import { SITE, startWidgetHarness, WidgetChannelRow, WidgetHarness } from '../testing/widget-test-harness';

describe('widget visitor API (real Kafka + Postgres)', () => {
  let h: WidgetHarness;
  let accountId: string;
  let channel: WidgetChannelRow;

  beforeAll(async () => {
    h = await startWidgetHarness();
    accountId = await h.createAccount();
    channel = await h.createChannel(accountId, { allowedOrigins: [SITE, 'https://*.brand.example'], title: 'Поддержка', greeting: 'Здравствуйте!', color: '#0F766E' });
  });
  afterAll(() => h.close());

  describe('session', () => {
    it('starts a session for an allowed origin with the channel look, and resumes it with the token', async () => {
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {} });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(res.body).toMatchObject({
        resumed: false,
        visitorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        channel: { name: 'Виджет', title: 'Поддержка', greeting: 'Здравствуйте!', color: '#0f766e', preChat: null },
        missingFields: [],
      });
      expect(typeof res.body.token).toBe('string');
      expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);

      const again = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: { token: res.body.token } });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ resumed: true, visitorId: res.body.visitorId });
    });

    it('accepts a subdomain of a wildcard entry', async () => {
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {}, origin: 'https://shop.brand.example' });
      expect(res.status).toBe(200);
    });

    it.each([
      ['another site', 'https://evil.example'],
      ['the right host over http', 'http://shop.example'],
      ['the apex of a wildcard entry', 'https://brand.example'],
      ['no Origin at all', null],
    ])('refuses %s with 403 WIDGET_ORIGIN_NOT_ALLOWED (Russian by default, English on request)', async (_name, origin) => {
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {}, origin });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, code: 'WIDGET_ORIGIN_NOT_ALLOWED', message: `Виджет не разрешён на этом сайте (${origin ?? '—'})`, requestId: expect.any(String) });
      const en = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {}, origin, headers: { 'accept-language': 'en' } });
      expect(en.body.message).toBe(`The widget is not allowed on this site (${origin ?? '—'})`);
    });

    it('answers 404 CHANNEL_NOT_FOUND for an unknown key and for an inactive channel', async () => {
      const unknown = await h.request('POST', `/widget/v1/${'x'.repeat(24)}/session`, { body: {} });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, code: 'CHANNEL_NOT_FOUND', message: 'Канал не найден' });
      const inactive = await h.createChannel(accountId, { allowedOrigins: [SITE] }, 'inactive');
      const res = await h.request('POST', `/widget/v1/${inactive.publicKey}/session`, { body: {} });
      expect(res.status).toBe(404);
    });

    it('refuses unknown fields and a tampered token', async () => {
      const extra = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: { admin: true } });
      expect(extra.status).toBe(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
      const { token } = await h.session(channel.publicKey);
      const tampered = `${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: { token: tampered } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'WIDGET_SESSION_INVALID' });
    });

    it('answers the CORS preflight of any origin (the request itself enforces the allowed origins)', async () => {
      const res = await h.request('OPTIONS', `/widget/v1/${channel.publicKey}/messages`, {
        headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    });
  });

  describe('messages', () => {
    it('puts the message on channels.inbound.v1 as a widget message of the visitor, and answers after Kafka has it', async () => {
      const { token, visitorId } = await h.session(channel.publicKey);
      const clientMessageId = randomUUID();
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, {
        token,
        body: { clientMessageId, text: 'Здравствуйте, есть ли доставка?', page: { url: 'https://shop.example/catalog', title: 'Каталог' } },
      });
      expect(res.status).toBe(201);
      expect(res.body.message).toMatchObject({ key: clientMessageId, clientMessageId, author: 'visitor', status: 'sent', text: 'Здравствуйте, есть ли доставка?' });

      const records = await readTopic(h.topic('channels.inbound.v1'), { expect: 1 });
      const record = records.find((r) => r.key === `${channel.id}:${visitorId}`);
      expect(record).toBeDefined();
      expect(record!.headers['x-event-type']).toBe('message.inbound');
      const envelope = decodeEnvelope(record!.value, InboundMessageData);
      expect(envelope).toMatchObject({ accountId, channelId: channel.id, type: 'message.inbound' });
      expect(envelope.data).toMatchObject({
        channelType: 'widget',
        externalChatId: visitorId,
        externalMessageId: `${visitorId}:${clientMessageId}`,
        sender: { externalUserId: visitorId },
        kind: 'text',
        text: 'Здравствуйте, есть ли доставка?',
        attachments: [],
        event: 'new',
        context: { widget: { locale: 'ru', pageUrl: 'https://shop.example/catalog', pageTitle: 'Каталог' } },
      });
      expect(envelope.data.sender.displayName).toBeUndefined();
    });

    it('refuses blank, too long and malformed messages with 400', async () => {
      const { token } = await h.session(channel.publicKey);
      for (const body of [
        { clientMessageId: randomUUID(), text: '   ' },
        { clientMessageId: randomUUID(), text: 'я'.repeat(4001) },
        { clientMessageId: 'not-a-uuid', text: 'hi' },
        { clientMessageId: randomUUID(), text: 'hi', page: { url: 'javascript:alert(1)' } },
      ]) {
        const res = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token, body });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Некорректные данные запроса' });
      }
    });

    it('refuses an oversized body with 413 in the error shape', async () => {
      const { token } = await h.session(channel.publicKey);
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token, body: { clientMessageId: randomUUID(), text: 'x'.repeat(40 * 1024) } });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Слишком большой запрос', requestId: expect.any(String) });
    });

    it('refuses a token of another channel, of another account, and none, with 401', async () => {
      const other = await h.createChannel(accountId, { allowedOrigins: [SITE] });
      const foreignAccount = await h.createAccount();
      const foreign = await h.createChannel(foreignAccount, { allowedOrigins: [SITE] });
      const { token: otherToken } = await h.session(other.publicKey);
      const { token: foreignToken } = await h.session(foreign.publicKey);
      for (const token of [otherToken, foreignToken, undefined]) {
        const send = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token, body: { clientMessageId: randomUUID(), text: 'hi' } });
        expect(send.status).toBe(401);
        expect(send.body).toMatchObject({ statusCode: 401, code: 'WIDGET_SESSION_INVALID', message: 'Сессия чата недействительна, начните новую' });
        const history = await h.request('GET', `/widget/v1/${channel.publicKey}/messages`, { token });
        expect(history.status).toBe(401);
      }
      const resume = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: { token: otherToken } });
      expect(resume.status).toBe(401);
    });

    it('refuses a message from a page of a foreign origin even with a valid token', async () => {
      const { token } = await h.session(channel.publicKey);
      const res = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token, origin: 'https://evil.example', body: { clientMessageId: randomUUID(), text: 'hi' } });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('WIDGET_ORIGIN_NOT_ALLOWED');
    });
  });

  describe('history', () => {
    it("returns the visitor's own dialog — their messages and the agents' replies — oldest first, pageable", async () => {
      const { token, visitorId } = await h.session(channel.publicKey);
      const other = await h.session(channel.publicKey);
      const clientMessageId = randomUUID();
      const t0 = Date.now() - 60_000;
      await h.storeMessage(channel, visitorId, { direction: 'in', text: 'Вопрос', externalId: `${visitorId}:${clientMessageId}`, createdAt: new Date(t0) });
      const reply = await h.storeMessage(channel, visitorId, { direction: 'out', text: 'Ответ', status: 'sent', createdAt: new Date(t0 + 1000) });
      await h.storeMessage(channel, visitorId, { direction: 'out', text: 'Ещё ответ', status: 'queued', createdAt: new Date(t0 + 2000) });
      await h.storeMessage(channel, other.visitorId, { direction: 'in', text: 'Чужое', externalId: `${other.visitorId}:${randomUUID()}`, createdAt: new Date(t0 + 500) });

      const res = await h.request('GET', `/widget/v1/${channel.publicKey}/messages`, { token, origin: null });
      expect(res.status).toBe(200);
      expect(res.body.hasMore).toBe(false);
      expect(res.body.items.map((m: any) => [m.author, m.text, m.status])).toEqual([
        ['visitor', 'Вопрос', 'delivered'],
        ['agent', 'Ответ', 'sent'],
        ['agent', 'Ещё ответ', 'queued'],
      ]);
      expect(res.body.items[0]).toMatchObject({ key: clientMessageId, clientMessageId });
      expect(res.body.items[1]).toMatchObject({ key: reply.messageId, id: reply.messageId, clientMessageId: null });

      const latest = await h.request('GET', `/widget/v1/${channel.publicKey}/messages?limit=2`, { token });
      expect(latest.body.items.map((m: any) => m.text)).toEqual(['Ответ', 'Ещё ответ']);
      expect(latest.body.hasMore).toBe(true);
      const older = await h.request('GET', `/widget/v1/${channel.publicKey}/messages?limit=2&before=${latest.body.items[0].cursor}`, { token });
      expect(older.body.items.map((m: any) => m.text)).toEqual(['Вопрос']);
      expect(older.body.hasMore).toBe(false);

      const mine = await h.request('GET', `/widget/v1/${channel.publicKey}/messages`, { token: other.token });
      expect(mine.body.items.map((m: any) => m.text)).toEqual(['Чужое']);

      const bad = await h.request('GET', `/widget/v1/${channel.publicKey}/messages?before=nope`, { token });
      expect(bad.status).toBe(400);
    });
  });

  describe('pre-chat form', () => {
    it('asks for the required fields before the first message and feeds name and phone to routing', async () => {
      const form = await h.createChannel(accountId, { allowedOrigins: [SITE], preChat: { fields: ['name', 'phone', 'email'], required: ['phone'] } });
      const first = await h.session(form.publicKey);
      expect(first.channel.preChat).toEqual({ fields: ['name', 'phone', 'email'], required: ['phone'] });
      expect(first.missingFields).toEqual(['phone']);
      const early = await h.request('POST', `/widget/v1/${form.publicKey}/messages`, { token: first.token, body: { clientMessageId: randomUUID(), text: 'hi' } });
      expect(early.status).toBe(400);
      expect(early.body.details).toEqual([{ path: 'profile.phone', constraints: ['phone is required by the pre-chat form'] }]);

      const badPhone = await h.request('POST', `/widget/v1/${form.publicKey}/session`, { body: { token: first.token, profile: { phone: 'call me' } } });
      expect(badPhone.status).toBe(400);
      expect(badPhone.body.details[0].path).toBe('profile.phone');

      const filled = await h.session(form.publicKey, { token: first.token, profile: { name: '  Анна  ', phone: '+7 (912) 345-67-89', email: 'anna@example.com' } });
      expect(filled).toMatchObject({ visitorId: first.visitorId, resumed: true, missingFields: [], profile: { name: 'Анна', phone: '+7 (912) 345-67-89', email: 'anna@example.com' } });
      const sent = await h.request('POST', `/widget/v1/${form.publicKey}/messages`, { token: filled.token, body: { clientMessageId: randomUUID(), text: 'Перезвоните' } });
      expect(sent.status).toBe(201);

      const records = await readTopic(h.topic('channels.inbound.v1'), { expect: 2 });
      const record = records.find((r) => r.key === `${form.id}:${first.visitorId}`);
      const data = decodeEnvelope(record!.value, InboundMessageData).data;
      expect(data.sender).toEqual({ externalUserId: first.visitorId, displayName: 'Анна', phone: '+7 (912) 345-67-89', phoneVerified: false });
      expect(data.context).toMatchObject({ preChat: { name: 'Анна', phone: '+7 (912) 345-67-89', email: 'anna@example.com' } });
    });
  });

  describe('assets', () => {
    it('serves the widget script and the demo page that embeds it', async () => {
      const js = await h.request('GET', '/widget/widget.js', { origin: null });
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/^application\/javascript/);
      expect(js.text).toContain('attachShadow');
      expect(js.headers.get('content-encoding')).toBe('gzip');
      expect(Buffer.byteLength(js.text)).toBeLessThan(20 * 1024);
      const cached = await h.request('GET', '/widget/widget.js', { origin: null, headers: { 'if-none-match': js.headers.get('etag')! } });
      expect(cached.status).toBe(304);

      const demo = await h.request('GET', `/widget/demo?key=${channel.publicKey}`, { origin: null });
      expect(demo.status).toBe(200);
      expect(demo.headers.get('content-type')).toMatch(/^text\/html/);
      expect(demo.text).toContain(`<script src="/widget/widget.js" data-key="${channel.publicKey}" async></script>`);
      expect(demo.text).toContain('<html lang="ru">');
      const en = await h.request('GET', `/widget/demo?key=${channel.publicKey}&lang=en`, { origin: null });
      expect(en.text).toContain('<html lang="en">');
      const unknown = await h.request('GET', '/widget/demo?key=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', { origin: null });
      expect(unknown.status).toBe(404);
      expect(unknown.text).not.toContain('<script>alert(1)</script>');
      expect(unknown.text).not.toContain('data-key');
    });
  });

  describe('Kafka unavailable', () => {
    it('answers 503 and nothing else when the message cannot be produced', async () => {
      const broken = await startWidgetHarness();
      try {
        const acc = await broken.createAccount();
        const ch = await broken.createChannel(acc);
        const { token } = await broken.session(ch.publicKey);
        await broken.service.app.get(EventProducer).disconnect();
        const res = await broken.request('POST', `/widget/v1/${ch.publicKey}/messages`, { token, body: { clientMessageId: randomUUID(), text: 'hi' } });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      } finally {
        await broken.close();
      }
    });
  });
});

describe('widget visitor API rate limits', () => {
  let h: WidgetHarness;
  let channel: WidgetChannelRow;

  beforeAll(async () => {
    h = await startWidgetHarness({ WIDGET_VISITOR_MESSAGES_PER_MINUTE: '3', WIDGET_IP_REQUESTS_PER_MINUTE: '12' });
    channel = await h.createChannel(await h.createAccount());
  });
  afterAll(() => h.close());

  it('limits messages per visitor with 429 RATE_LIMITED and Retry-After; another visitor is unaffected', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.10' };
    const a = await h.session(channel.publicKey);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<WidgetHarness['request']>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token: a.token, headers: ip, body: { clientMessageId: randomUUID(), text: `m${i}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(last!.body).toEqual({ statusCode: 429, code: 'RATE_LIMITED', message: 'Слишком много запросов, повторите позже', details: { retryAfterSeconds: expect.any(Number) }, requestId: expect.any(String) });
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const b = await h.session(channel.publicKey);
    const other = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token: b.token, headers: ip, body: { clientMessageId: randomUUID(), text: 'hi' } });
    expect(other.status).toBe(201);
  });

  it('limits every request per client IP (as reported by the trusted proxy)', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<WidgetHarness['request']>> | undefined;
    for (let i = 0; i < 13; i++) {
      last = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {}, headers: { ...from('198.51.100.7'), 'accept-language': 'en' } });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
    expect(statuses[12]).toBe(429);
    expect(last!.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', message: 'Too many requests, try again later' });
    expect(last!.headers.get('access-control-allow-origin')).toBe(SITE);
    const elsewhere = await h.request('POST', `/widget/v1/${channel.publicKey}/session`, { body: {}, headers: from('198.51.100.8') });
    expect(elsewhere.status).toBe(200);
  });
});
