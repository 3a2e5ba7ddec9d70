import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { decodeEnvelope, MessageStatusData } from '@crm/contracts';
import { readTopic, waitFor } from '@crm/testing';
import { SITE, startWidgetHarness, WidgetChannelRow, WidgetHarness } from '../testing/widget-test-harness';

/** A page's live connection, as the widget script opens it (Origin header, auth frame first). */
class LivePage {
  readonly frames: any[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => this.frames.push(JSON.parse(raw.toString())));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static open(url: string, publicKey: string, origin: string | null = SITE): Promise<LivePage> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/widget/v1/${publicKey}/live`, { headers: origin ? { origin } : {} });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LivePage(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode, body: JSON.parse(body) })));
      });
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  async auth(token: string, after?: string): Promise<void> {
    this.send({ type: 'auth', token, after });
    await waitFor(() => this.frames.some((f) => f.type === 'ready'), 5000, 'ready');
  }

  messages(): any[] {
    return this.frames.filter((f) => f.type === 'message').map((f) => f.message);
  }

  close(): void {
    this.ws.close();
  }
}

async function statuses(h: WidgetHarness, expectCount: number) {
  const records = await readTopic(h.topic('channels.status.v1'), { expect: expectCount });
  return records.map((r) => ({ key: r.key, envelope: decodeEnvelope(r.value, MessageStatusData) }));
}

describe('widget live channel and reply delivery (real Kafka + Postgres)', () => {
  let h: WidgetHarness;
  let accountId: string;
  let channel: WidgetChannelRow;
  const pages: LivePage[] = [];
  const open = async (publicKey: string, origin?: string | null) => {
    const page = await LivePage.open(h.url, publicKey, origin);
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    h = await startWidgetHarness();
    accountId = await h.createAccount();
    channel = await h.createChannel(accountId);
  });
  afterEach(() => pages.splice(0).forEach((p) => p.close()));
  afterAll(() => h.close());

  it('pushes an agent reply to every open page of the visitor live, reports sent, and delivered once a page acks it', async () => {
    const { token, visitorId } = await h.session(channel.publicKey);
    const tab1 = await open(channel.publicKey);
    const tab2 = await open(channel.publicKey);
    await tab1.auth(token);
    await tab2.auth(token);
    const stranger = await h.session(channel.publicKey);
    const other = await open(channel.publicKey);
    await other.auth(stranger.token);

    // The api stores the reply (queued) and its outbox publishes the send command.
    const { dialogId, messageId } = await h.storeMessage(channel, visitorId, { direction: 'out', text: 'Доставка есть, 1–2 дня', status: 'queued' });
    await h.publishReply(channel, { messageId, dialogId, externalChatId: visitorId, text: 'Доставка есть, 1–2 дня' });

    for (const tab of [tab1, tab2]) {
      const [message] = await waitFor(() => (tab.messages().length > 0 ? tab.messages() : undefined), 10_000, 'live reply');
      expect(message).toMatchObject({ key: messageId, id: messageId, author: 'agent', text: 'Доставка есть, 1–2 дня', status: 'sent' });
    }
    const sent = await statuses(h, 1);
    expect(sent[0]).toMatchObject({ key: `${channel.id}:${visitorId}`, envelope: { accountId, channelId: channel.id, data: { messageId, externalChatId: visitorId, externalMessageId: messageId, status: 'sent' } } });

    tab1.send({ type: 'ack', ids: [messageId] });
    const reported = await statuses(h, 2);
    expect(reported.map((s) => s.envelope.data.status).sort()).toEqual(['delivered', 'sent']);

    // Read in the open chat: `read` follows; the stranger's page saw nothing of it.
    await h.dataSource.query(`UPDATE messages SET status = 'delivered' WHERE id = $1`, [messageId]);
    tab2.send({ type: 'read', ids: [messageId] });
    const all = await statuses(h, 3);
    expect(all.map((s) => s.envelope.data.status).sort()).toEqual(['delivered', 'read', 'sent']);
    expect(other.messages()).toEqual([]);
  });

  it("ignores acks for messages that are not the visitor's own replies", async () => {
    const me = await h.session(channel.publicKey);
    const them = await h.session(channel.publicKey);
    const theirs = await h.storeMessage(channel, them.visitorId, { direction: 'out', text: 'чужой ответ', status: 'sent' });
    const mine = await h.storeMessage(channel, me.visitorId, { direction: 'in', text: 'мой вопрос', externalId: `${me.visitorId}:${randomUUID()}` });
    const before = (await readTopic(h.topic('channels.status.v1'))).length;
    const page = await open(channel.publicKey);
    await page.auth(me.token);
    page.send({ type: 'ack', ids: [theirs.messageId, mine.messageId, 'garbage'] });
    page.send({ type: 'ping' });
    await waitFor(() => page.frames.some((f) => f.type === 'pong'), 5000, 'pong');
    await new Promise((r) => setTimeout(r, 500));
    expect(await readTopic(h.topic('channels.status.v1'))).toHaveLength(before);
  });

  it('keeps a reply for an offline visitor: history has it, and a reconnecting page catches up from its cursor', async () => {
    const { token, visitorId } = await h.session(channel.publicKey);
    const early = await h.storeMessage(channel, visitorId, { direction: 'in', text: 'Есть кто?', externalId: `${visitorId}:${randomUUID()}`, createdAt: new Date(Date.now() - 120_000) });
    const history = await h.request('GET', `/widget/v1/${channel.publicKey}/messages`, { token });
    const cursor = history.body.items[0].cursor;
    expect(history.body.items.map((m: any) => m.id)).toEqual([early.messageId]);

    // The visitor closed the tab; the agent answers.
    const { dialogId, messageId } = await h.storeMessage(channel, visitorId, { direction: 'out', text: 'Да, слушаю вас', status: 'queued' });
    await h.publishReply(channel, { messageId, dialogId, externalChatId: visitorId, text: 'Да, слушаю вас' });
    const sent = await waitFor(async () => (await statuses(h, 0)).find((s) => s.envelope.data.messageId === messageId), 10_000, 'sent status');
    expect(sent.envelope.data.status).toBe('sent');

    const page = await open(channel.publicKey);
    await page.auth(token, cursor);
    const catchUp = await waitFor(() => page.frames.find((f) => f.type === 'catch-up'), 5000, 'catch-up');
    expect(catchUp.hasMore).toBe(false);
    expect(catchUp.items.map((m: any) => [m.author, m.text])).toEqual([
      ['visitor', 'Есть кто?'],
      ['agent', 'Да, слушаю вас'],
    ]);
    const reloaded = await h.request('GET', `/widget/v1/${channel.publicKey}/messages`, { token });
    expect(reloaded.body.items.map((m: any) => m.text)).toEqual(['Есть кто?', 'Да, слушаю вас']);
  });

  it("shows the visitor's own message on their other open pages", async () => {
    const { token } = await h.session(channel.publicKey);
    const tab = await open(channel.publicKey);
    await tab.auth(token);
    const clientMessageId = randomUUID();
    const res = await h.request('POST', `/widget/v1/${channel.publicKey}/messages`, { token, body: { clientMessageId, text: 'из другой вкладки' } });
    expect(res.status).toBe(201);
    const [message] = await waitFor(() => (tab.messages().length > 0 ? tab.messages() : undefined), 10_000, 'own message');
    expect(message).toMatchObject({ key: clientMessageId, author: 'visitor', text: 'из другой вкладки', status: 'sent' });
  });

  it('tells the page when the CRM stored the visitor\'s message (delivered), from the routing\'s CRM event', async () => {
    const { token, visitorId } = await h.session(channel.publicKey);
    const page = await open(channel.publicKey);
    await page.auth(token);
    const clientMessageId = randomUUID();
    // lead-routing stored the message and emitted message.received (another channel's event is ignored).
    const { dialogId, messageId } = await h.storeMessage(channel, visitorId, { direction: 'in', text: 'сохранено', externalId: `${visitorId}:${clientMessageId}` });
    const elsewhere = await h.createChannel(accountId);
    await h.publishCrmEvent(elsewhere, { kind: 'message.received', dialogId, messageId });
    await h.publishCrmEvent(channel, { kind: 'dialog.opened', dialogId });
    await h.publishCrmEvent(channel, { kind: 'message.received', dialogId, messageId });
    const [message] = await waitFor(() => (page.messages().length > 0 ? page.messages() : undefined), 10_000, 'stored message');
    expect(message).toMatchObject({ key: clientMessageId, id: messageId, author: 'visitor', status: 'delivered', text: 'сохранено', cursor: expect.any(String) });
    await new Promise((r) => setTimeout(r, 300));
    expect(page.messages()).toHaveLength(1);
  });

  it('reports failed for a reply to a channel that was switched off', async () => {
    const off = await h.createChannel(accountId);
    const visitorId = randomUUID();
    const { dialogId, messageId } = await h.storeMessage(off, visitorId, { direction: 'out', text: 'поздно', status: 'queued' });
    await h.dataSource.query(`UPDATE channels SET status = 'inactive' WHERE id = $1`, [off.id]);
    await h.publishReply(off, { messageId, dialogId, externalChatId: visitorId, text: 'поздно' });
    const failed = await waitFor(async () => (await statuses(h, 0)).find((s) => s.envelope.data.messageId === messageId), 10_000, 'failed status');
    expect(failed.envelope.data).toMatchObject({ status: 'failed', errorCode: 'WIDGET_CHANNEL_UNAVAILABLE' });
  });

  it('refuses the upgrade from a foreign origin (403) and for an unknown key (404), in the error shape', async () => {
    await expect(LivePage.open(h.url, channel.publicKey, 'https://evil.example')).rejects.toMatchObject({
      statusCode: 403,
      body: { statusCode: 403, code: 'WIDGET_ORIGIN_NOT_ALLOWED' },
    });
    await expect(LivePage.open(h.url, 'unknown-key-123456')).rejects.toMatchObject({ statusCode: 404, body: { code: 'CHANNEL_NOT_FOUND' } });
  });

  it('closes with 4401 for a token of another channel, and with 4400 when the first frame is not auth', async () => {
    const other = await h.createChannel(accountId);
    const { token } = await h.session(other.publicKey);
    const page = await open(channel.publicKey);
    page.send({ type: 'auth', token });
    await waitFor(() => page.closed, 5000, 'close');
    expect(page.closed!.code).toBe(4401);
    expect(page.frames).toContainEqual({ type: 'error', code: 'WIDGET_SESSION_INVALID', message: 'Сессия чата недействительна, начните новую' });

    const rude = await open(channel.publicKey);
    rude.send({ type: 'ack', ids: [] });
    await waitFor(() => rude.closed, 5000, 'close');
    expect(rude.closed!.code).toBe(4400);
  });
});

describe('widget live channel on shutdown', () => {
  it('closes open pages with 1012 (they reconnect elsewhere) instead of holding the shutdown', async () => {
    const h = await startWidgetHarness();
    let closed = false;
    try {
      const channel = await h.createChannel(await h.createAccount());
      const { token } = await h.session(channel.publicKey);
      const page = await LivePage.open(h.url, channel.publicKey);
      await page.auth(token);
      const started = Date.now();
      await h.service.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor(() => page.closed, 2000, 'page closed');
      expect(page.closed!.code).toBe(1012);
    } finally {
      if (closed) await h.db.drop();
      else await h.close();
    }
  });
});
