import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { FakeTelegramServer } from './fake-telegram.server';

// The fake is exercised through grammY's own client, so what passes here is what a grammY-based connector sees.
describe('FakeTelegramServer (Bot API contract of PLATFORMS.md §1)', () => {
  let tg: FakeTelegramServer;
  beforeEach(async () => {
    tg = await FakeTelegramServer.start();
  });
  afterEach(() => tg.close());

  const api = (token: string) => new Api(token, { apiRoot: tg.apiRoot, timeoutSeconds: 5 });
  const raw = (path: string, init?: RequestInit) => fetch(`${tg.apiRoot}${path}`, init).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('answers getMe for a known token, 401 for an unknown well-formed one, 404 for a malformed one', async () => {
    const bot = tg.addBot({ username: 'shop_bot', firstName: 'Shop' });
    await expect(api(bot.token).getMe()).resolves.toMatchObject({ id: bot.id, is_bot: true, username: 'shop_bot', first_name: 'Shop' });
    const unknown = await raw(`/bot123456:${'A'.repeat(35)}/getMe`);
    expect(unknown).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await raw('/botnot-a-token/getMe')).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    expect((await raw(`/bot${bot.token}/noSuchMethod`)).status).toBe(404);
    // Method names are case-insensitive; GET with a query works too.
    expect(await raw(`/bot${bot.token}/GETME`)).toMatchObject({ status: 200, body: { ok: true, result: { id: bot.id } } });
    expect(tg.callsOf('getMe').map((c) => c.status)).toEqual([200, 401, 404, 200]);
  });

  it('registers, reports and deletes a webhook, validating url and secret_token; delivers updates with the secret', async () => {
    const bot = tg.addBot();
    const received: Array<{ secret: string | undefined; body: string }> = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/telegram/ch-1`;
    try {
      await expect(api(bot.token).setWebhook(url, { secret_token: 'bad secret!' })).rejects.toMatchObject({ error_code: 400, description: expect.stringMatching(/secret token/) });
      await expect(api(bot.token).setWebhook('not a url')).rejects.toMatchObject({ error_code: 400 });
      await expect(api(bot.token).setWebhook(url, { secret_token: 'S3cret_-token', allowed_updates: ['message', 'edited_message'], max_connections: 10 })).resolves.toBe(true);
      await expect(api(bot.token).getWebhookInfo()).resolves.toEqual({
        url,
        has_custom_certificate: false,
        pending_update_count: 0,
        max_connections: 10,
        allowed_updates: ['message', 'edited_message'],
      });
      const delivered = await tg.deliverUpdate(bot.token, FakeTelegramServer.textUpdate({ chatId: 42, text: 'привет' }));
      expect(delivered.status).toBe(200);
      expect(received).toHaveLength(1);
      expect(received[0].secret).toBe('S3cret_-token');
      expect(JSON.parse(received[0].body)).toMatchObject({ update_id: delivered.update.update_id, message: { chat: { id: 42 }, text: 'привет' } });
      // While a webhook is set, getUpdates is a 409 Conflict.
      await expect(api(bot.token).getUpdates()).rejects.toMatchObject({ error_code: 409 });
      await expect(api(bot.token).deleteWebhook()).resolves.toBe(true);
      expect(tg.webhookOf(bot.token)).toBeUndefined();
    } finally {
      hook.close();
    }
  });

  it('is strict about webhook URLs when asked to behave like production', async () => {
    const strict = await FakeTelegramServer.start({ strictWebhookUrls: true });
    try {
      const bot = strict.addBot();
      const strictApi = new Api(bot.token, { apiRoot: strict.apiRoot });
      await expect(strictApi.setWebhook('http://example.com/hook')).rejects.toMatchObject({ description: expect.stringMatching(/HTTPS URL/) });
      await expect(strictApi.setWebhook('https://example.com:3000/hook')).rejects.toMatchObject({ description: expect.stringMatching(/ports 80, 88, 443 or 8443/) });
      await expect(strictApi.setWebhook('https://example.com:8443/hook')).resolves.toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('sends messages with increasing ids, edits and deletes them, and validates text', async () => {
    const bot = tg.addBot();
    const a = await api(bot.token).sendMessage(42, 'первое');
    const b = await api(bot.token).sendMessage(42, 'второе', { reply_parameters: { message_id: a.message_id } });
    expect(b.message_id).toBeGreaterThan(a.message_id);
    expect(b).toMatchObject({ chat: { id: 42, type: 'private' }, text: 'второе', reply_to_message: { message_id: a.message_id } });
    await expect(api(bot.token).sendMessage(42, 'x'.repeat(4097))).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: message is too long' });
    await expect(api(bot.token).editMessageText(42, a.message_id, 'исправлено')).resolves.toMatchObject({ text: 'исправлено', edit_date: expect.any(Number) });
    await expect(api(bot.token).deleteMessage(42, b.message_id)).resolves.toBe(true);
    await expect(api(bot.token).deleteMessage(42, b.message_id)).rejects.toMatchObject({ error_code: 400 });
    expect(tg.sentMessages(bot.token).map((m) => m.text)).toEqual(['исправлено']);
    expect(tg.callsOf('sendMessage')[0]).toMatchObject({ token: bot.token, params: { chat_id: 42, text: 'первое' } });
  });

  it('plays programmed failures: 429 with retry_after, 403 blocked, 400 chat not found, 5xx, dropped connections', async () => {
    const bot = tg.addBot();
    tg.failNext('sendMessage', { kind: 'rate-limit', retryAfter: 7 });
    tg.failNext('sendMessage', { kind: 'blocked' });
    tg.failNext('sendmessage', { kind: 'chat-not-found' });
    tg.failNext('*', { kind: 'server-error', status: 502 }, { times: 2 });
    const outcome = () => api(bot.token).sendMessage(42, 'hi').then(() => 'ok', (e: unknown) => e);
    const limited = (await outcome()) as GrammyError;
    expect(limited).toBeInstanceOf(GrammyError);
    expect(limited.error_code).toBe(429);
    expect(limited.parameters.retry_after).toBe(7);
    expect(limited.description).toBe('Too Many Requests: retry after 7');
    expect(await outcome()).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(await outcome()).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
    expect(await outcome()).toMatchObject({ error_code: 502 });
    await expect(api(bot.token).getMe()).rejects.toMatchObject({ error_code: 502 });
    expect(await outcome()).toBe('ok');
    tg.failNext('getMe', { kind: 'server-error', html: true });
    await expect(api(bot.token).getMe()).rejects.toBeInstanceOf(HttpError);
    tg.failNext('getMe', { kind: 'drop-connection' });
    await expect(api(bot.token).getMe()).rejects.toBeInstanceOf(HttpError);
    expect(tg.callsOf('sendMessage').map((c) => c.status)).toEqual([429, 403, 400, 502, 200]);
  });

  it('goes down and comes back on the same port, keeping its bots', async () => {
    const bot = tg.addBot();
    const root = tg.apiRoot;
    await tg.stop();
    expect(tg.isUp).toBe(false);
    await expect(api(bot.token).getMe()).rejects.toBeInstanceOf(HttpError);
    await tg.restart();
    expect(tg.apiRoot).toBe(root);
    await expect(api(bot.token).getMe()).resolves.toMatchObject({ id: bot.id });
  });

  it('serves files through getFile and /file/bot<token>/<path>, uploads included', async () => {
    const bot = tg.addBot();
    const file = tg.addFile(bot.token, 'hello file', { fileName: 'a.txt' });
    const got = await api(bot.token).getFile(file.file_id);
    expect(got).toEqual(file);
    const download = await fetch(`${tg.apiRoot}/file/bot${bot.token}/${got.file_path}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('hello file');
    await expect(api(bot.token).getFile('nope')).rejects.toMatchObject({ error_code: 400 });
    const sent = await api(bot.token).sendDocument(42, new InputFile(Buffer.from('pdf bytes'), 'price.pdf'), { caption: 'прайс' });
    expect(sent).toMatchObject({ caption: 'прайс', document: { file_name: expect.stringContaining('price.pdf'), file_size: 9 } });
    const uploaded = await api(bot.token).getFile(sent.document.file_id);
    expect(await (await fetch(`${tg.apiRoot}/file/bot${bot.token}/${uploaded.file_path}`)).text()).toBe('pdf bytes');
  });

  it('long-polls getUpdates: waits for an update, confirms with offset', async () => {
    const bot = tg.addBot();
    const poll = api(bot.token).getUpdates({ timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const pushed = tg.pushUpdate(bot.token, FakeTelegramServer.textUpdate({ chatId: 7, text: 'a' }));
    const updates = await poll;
    expect(updates.map((u) => u.update_id)).toEqual([pushed.update_id]);
    await expect(api(bot.token).getUpdates({ offset: pushed.update_id + 1 })).resolves.toEqual([]);
  });
});
