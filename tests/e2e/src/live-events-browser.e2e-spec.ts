import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import type { EventProducer } from '@crm/messaging';
import { uniqueTopicPrefix, waitFor } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { publishVisitorMessage, testProducer } from '../../../apps/api/src/testing/flow-helpers';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

/** The Debian chromium package; playwright-core drives it (no browser download). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

jest.setTimeout(180_000);

/** A TCP hop in front of the public origin whose open connections can be cut, like a network drop. */
async function cuttableHop(targetPort: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * What a CRM page does with the live events (DESIGN §4): gets a ticket with its token, opens an `EventSource` with it
 * (a browser cannot send the Authorization header), and after a drop gets a fresh ticket and reconnects with the id of
 * the last event it received.
 */
const PAGE_SCRIPT = `
  window.live = { received: [], opens: 0, closed: false, urls: [] };
  window.live.connect = async (token) => {
    const res = await fetch('/api/v1/events/tickets', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
    const { ticket } = await res.json();
    const url = new URL('/api/v1/events', location.origin);
    url.searchParams.set('ticket', ticket);
    const last = window.live.received.at(-1);
    if (last) url.searchParams.set('lastEventId', last.id);
    window.live.urls.push(url.pathname + url.search);
    window.live.closed = false;
    const es = new EventSource(url);
    es.onopen = () => window.live.opens++;
    es.addEventListener('message.received', (e) => window.live.received.push({ id: e.lastEventId, messageId: JSON.parse(e.data).messageId }));
    es.onerror = () => { es.close(); window.live.closed = true; };
  };
`;

describe('live events in a real browser: EventSource with a ticket, a drop, a reconnect with lastEventId', () => {
  let stack: Stack;
  let browser: Browser;
  let hop: Awaited<ReturnType<typeof cuttableHop>>;
  let producer: EventProducer;
  let token: string;
  let accountId: string;
  let channelId: string;

  beforeAll(async () => {
    const prefix = uniqueTopicPrefix('e2e-live');
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
      ],
      { KAFKA_TOPIC_PREFIX: prefix },
    );
    accountId = await stack.createAccount('Demo Coffee');
    token = stack.token(accountId, 'agent');
    const channel = await stack.request('POST', '/api/v1/channels', {
      token: stack.token(accountId, 'admin'),
      body: { name: 'Виджет', type: 'widget', routing: { createClientOnFirstMessage: true }, settings: { allowedOrigins: ['https://coffee.example'] } },
    });
    expect(channel.status).toBe(201);
    channelId = channel.body.id;
    hop = await cuttableHop(Number(new URL(stack.publicUrl).port));
    producer = await testProducer(prefix, 'e2e-live');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await hop?.close();
    await stack?.close();
  });

  /** A visitor message as connector-widget publishes it; resolves to the CRM message id once lead-routing stored it. */
  const visitorWrites = async (text: string): Promise<string> => {
    const externalId = await publishVisitorMessage(producer, { accountId, channelId, visitorId: 'visitor-7', displayName: 'Гость', text });
    return waitFor(async () => (await stack.dataSource.query(`SELECT id FROM messages WHERE external_id = $1`, [externalId]))[0]?.id as string | undefined, 20_000, `message "${text}"`);
  };
  const received = (page: Page) => page.evaluate(() => (globalThis as any).live.received as Array<{ id: string; messageId: string }>);
  const receivedIds = async (page: Page) => (await received(page)).map((e) => e.messageId);
  const streamed = (messageId: string) =>
    waitFor(async () => (await stack.dataSource.query(`SELECT 1 FROM live_events WHERE data->>'messageId' = $1`, [messageId])).length > 0, 20_000, `event of ${messageId} recorded`);

  it('receives a message event, is cut off, reconnects with a fresh ticket and lastEventId, and gets exactly what it missed, once', async () => {
    const origin = `http://127.0.0.1:${hop.port}`;
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // A page of the CRM on the public origin (through the cuttable hop); its requests go to the real api.
    await page.route(`${origin}/crm`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>CRM</title>' }));
    await page.goto(`${origin}/crm`);
    await page.evaluate(PAGE_SCRIPT);
    await page.evaluate((t) => (globalThis as any).live.connect(t), token);
    await page.waitForFunction(() => (globalThis as any).live.opens === 1, undefined, { timeout: 15_000 });

    // Live: a visitor's message reaches the page (the first ones may precede the event consumer joining its group).
    const before: string[] = [];
    await waitFor(async () => {
      before.push(await visitorWrites(`Здравствуйте ${before.length + 1}`));
      await page.waitForFunction((id) => (globalThis as any).live.received.some((e: { messageId: string }) => e.messageId === id), before.at(-1), { timeout: 3_000 }).catch(() => undefined);
      return (await receivedIds(page)).includes(before.at(-1)!);
    }, 30_000, 'a message event in the page');
    const live = await received(page);
    expect(live.every((e) => /^\d+$/.test(e.id))).toBe(true);

    // The network drops: the EventSource errors and the page closes it.
    hop.cut();
    await page.waitForFunction(() => (globalThis as any).live.closed === true, undefined, { timeout: 10_000 });

    // Meanwhile the visitor writes twice more.
    const missed = [await visitorWrites('Вы тут?'), await visitorWrites('Есть доставка?')];
    for (const id of missed) await streamed(id);
    expect(await receivedIds(page)).not.toContain(missed[0]);

    // A fresh ticket and the last event id: the missed messages arrive once, then live ones.
    await page.evaluate((t) => (globalThis as any).live.connect(t), token);
    await page.waitForFunction(() => (globalThis as any).live.opens === 2, undefined, { timeout: 15_000 });
    const after = await visitorWrites('Спасибо!');
    await page.waitForFunction((id) => (globalThis as any).live.received.some((e: { messageId: string }) => e.messageId === id), after, { timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 500));

    const all = await received(page);
    const lastBeforeCut = live.at(-1)!.id;
    expect(all.slice(0, live.length)).toEqual(live);
    expect(all.slice(live.length).map((e) => e.messageId)).toEqual([...missed, after]);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.slice(live.length).every((e) => BigInt(e.id) > BigInt(lastBeforeCut))).toBe(true);
    const urls = await page.evaluate(() => (globalThis as any).live.urls as string[]);
    expect(urls[1]).toContain(`lastEventId=${lastBeforeCut}`);
    expect(new URL(urls[0], origin).searchParams.get('ticket')).not.toBe(new URL(urls[1], origin).searchParams.get('ticket'));
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
