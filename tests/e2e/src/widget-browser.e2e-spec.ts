import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { repoRoot, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorWidgetService } from '../../../apps/connector-widget/src/connector-widget.service-definition';
import { createTopicsFor } from '../../../apps/connector-widget/src/testing/widget-test-harness';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

/** The Debian chromium package; playwright-core drives it (no browser download). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

jest.setTimeout(180_000);

/**
 * The widget end to end, as a site visitor and an agent see it: a widget channel created through the API, the demo
 * page opened through the public origin in headless Chromium, a message typed into the real widget → a dialog with a
 * client and a lead per the channel's routing → an agent reply through the API shows up in the widget within 2 s →
 * a reload keeps the history.
 */
describe('website widget in a real browser (api + lead-routing + connector-widget behind the public origin)', () => {
  let stack: Stack;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    const prefix = uniqueTopicPrefix('e2e-widget');
    await createTopicsFor(prefix);
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
        { name: 'connector-widget', definition: connectorWidgetService as never, routes: ['/widget/'] },
      ],
      { KAFKA_TOPIC_PREFIX: prefix },
    );
    token = stack.token(await stack.createAccount('Demo Coffee'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await stack.request(method, `/api/v1${path}`, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  const bubble = (page: Page, author: 'v' | 'a', text: string) => page.locator(`div.m.${author}`, { hasText: text });

  it('chats with the CRM from the demo page: message → dialog with client and lead; reply → widget within 2 s; reload keeps history', async () => {
    // The wizard in one request: a widget channel for the public origin, with a funnel, creating client and lead.
    const funnel = await api('POST', '/funnels', { name: 'Продажи', stages: [{ name: 'Новый лид' }, { name: 'В работе' }] });
    const channel = await api('POST', '/channels', {
      name: 'Виджет на сайте',
      type: 'widget',
      routing: { funnelId: funnel.id, stageId: null, createClientOnFirstMessage: true, createLeadOnFirstMessage: true },
      settings: { allowedOrigins: [stack.publicUrl], title: 'Demo Coffee', greeting: 'Здравствуйте! Чем можем помочь?', color: '#0f766e' },
    });
    expect(channel.status).toBe('active');
    const publicKey: string = channel.connection.publicKey;
    expect(channel.connection.embedSnippet).toContain(`data-key="${publicKey}"`);

    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${stack.publicUrl}/widget/demo?key=${publicKey}`);

    // The launcher lives in an open shadow root (Playwright's CSS engine pierces it); the host page's CSS can't reach.
    const launcher = page.locator('button.l');
    await launcher.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await launcher.getAttribute('aria-label')).toBe('Открыть чат');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await launcher.click();
    const input = page.locator('textarea[aria-label="Напишите сообщение…"]');
    await input.waitFor({ state: 'visible' });
    expect(await page.evaluate('document.querySelector("[data-crm-widget]").shadowRoot.activeElement?.tagName')).toBe('TEXTAREA');
    await bubble(page, 'a', 'Здравствуйте! Чем можем помочь?').waitFor();

    // The visitor writes through the real UI (Enter sends).
    await input.fill('Добрый день! Есть ли у вас доставка?');
    await input.press('Enter');
    const mine = bubble(page, 'v', 'Добрый день! Есть ли у вас доставка?');
    await mine.waitFor();
    await waitFor(async () => /отправлено|доставлено/.test((await mine.textContent()) ?? ''), 10_000, 'the message to be sent');

    // The dialog appears through the REST API with a client and a lead, per the channel's routing.
    const dialog = await waitFor(async () => {
      const list = await api('GET', `/dialogs?channelId=${channel.id}`);
      return list.items.find((d: any) => d.client && d.leadId);
    }, 20_000, 'the dialog with client and lead');
    expect(dialog).toMatchObject({ channelId: channel.id, channelType: 'widget', status: 'open' });
    const [lead] = await stack.dataSource.query(`SELECT funnel_id, stage_id, client_id, dialog_id FROM leads WHERE id = $1`, [dialog.leadId]);
    expect(lead).toEqual({ funnel_id: funnel.id, stage_id: funnel.stages[0].id, client_id: dialog.client.id, dialog_id: dialog.id });
    const inbound = await api('GET', `/dialogs/${dialog.id}/messages`);
    expect(inbound.items.map((m: any) => [m.direction, m.text])).toEqual([['in', 'Добрый день! Есть ли у вас доставка?']]);

    // The agent answers through the API: the widget shows it within 2 seconds.
    const replyText = 'Да, доставляем по городу за 1–2 часа ☕';
    const started = Date.now();
    const reply = await api('POST', `/dialogs/${dialog.id}/messages`, { text: replyText });
    await bubble(page, 'a', replyText).waitFor({ state: 'visible', timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    // The open chat reports the reply delivered and read back to the CRM.
    await waitFor(async () => {
      const messages = await api('GET', `/dialogs/${dialog.id}/messages`);
      const out = messages.items.find((m: any) => m.id === reply.id);
      return out && ['delivered', 'read'].includes(out.status) ? out : undefined;
    }, 10_000, 'the reply to be reported delivered');

    mkdirSync(join(repoRoot(), 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot(), 'artifacts/widget-e2e.png') });

    // Esc closes the chat and gives focus back to the launcher.
    await input.press('Escape');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    // A reload keeps the conversation: the token is in localStorage, the history comes from the API.
    await page.reload();
    await launcher.waitFor({ state: 'visible', timeout: 15_000 });
    await bubble(page, 'v', 'Добрый день! Есть ли у вас доставка?').waitFor({ state: 'attached', timeout: 10_000 });
    await bubble(page, 'a', replyText).waitFor({ state: 'attached' });

    // A reply while the chat is closed lights the unread badge; opening the chat clears it.
    await api('POST', `/dialogs/${dialog.id}/messages`, { text: 'Кстати, сегодня скидка 10%' });
    const badge = page.locator('button.l span.b');
    await badge.waitFor({ state: 'visible', timeout: 5000 });
    expect(await badge.textContent()).toBe('1');
    await launcher.click();
    await bubble(page, 'a', 'Кстати, сегодня скидка 10%').waitFor({ state: 'visible' });
    await badge.waitFor({ state: 'hidden' });

    // Still one dialog: the reload resumed the same visitor.
    const dialogs = await api('GET', `/dialogs?channelId=${channel.id}`);
    expect(dialogs.items).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('fits a phone screen: the open chat takes the whole viewport', async () => {
    const channel = await api('POST', '/channels', { name: 'Виджет (мобильный)', type: 'widget', settings: { allowedOrigins: [stack.publicUrl] } });
    const context = await browser.newContext({ viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${stack.publicUrl}/widget/demo?key=${channel.connection.publicKey}&lang=en`);
    const launcher = page.locator('button.l');
    await launcher.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
    await launcher.click();
    const panel = page.locator('div.p[role="dialog"]');
    await panel.waitFor({ state: 'visible' });
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 700 });
    await page.locator('button[aria-label="Close chat"]').click();
    await panel.waitFor({ state: 'hidden' });
    await context.close();
  });
});
