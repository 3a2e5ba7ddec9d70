import { FakeTelegramServer } from '@crm/testing';
import { createBotApi } from '../bot-api/telegram-bot-api';
import { TelegramWebhookClient } from '../webhook/telegram-webhook.client';
import { assessHealthCheckFailure, assessWebhookInfo } from '../webhook/webhook-health';
import { classifySendFailure } from './send-outcome';
import { openTelegramFile, TelegramFileError } from './telegram-files';

// The adapter's Bot API calls against the fake Telegram server (built from PLATFORMS.md §1).
describe('Telegram Bot API calls (fake Telegram)', () => {
  let tg: FakeTelegramServer;
  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
  });
  afterAll(() => tg.close());
  beforeEach(() => {
    tg.clearFailures();
    tg.clearCalls();
  });

  const api = (token: string) => createBotApi(token, { apiRoot: tg.apiRoot, timeoutMs: 2000 });
  const failureOf = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (err) {
      return classifySendFailure(err);
    }
    throw new Error('the call succeeded');
  };

  it('registers the webhook with the secret_token and explicit allowed_updates, reports it, removes it', async () => {
    const bot = tg.addBot();
    const client = new TelegramWebhookClient(api(bot.token));
    await client.register({ url: 'http://127.0.0.1:8080/webhooks/telegram/c1', secretToken: 'S3cret_-x' });
    expect(tg.webhookOf(bot.token)).toMatchObject({ url: 'http://127.0.0.1:8080/webhooks/telegram/c1', secretToken: 'S3cret_-x', allowedUpdates: ['message', 'edited_message'] });
    const info = await client.info();
    expect(info.url).toBe('http://127.0.0.1:8080/webhooks/telegram/c1');
    expect(assessWebhookInfo(info, { expectedUrl: info.url, nowSeconds: 0, recentErrorSeconds: 600 })).toEqual({ status: 'active' });
    await client.remove();
    expect(tg.webhookOf(bot.token)).toBeUndefined();
    expect(assessWebhookInfo(await client.info(), { expectedUrl: 'http://127.0.0.1:8080/webhooks/telegram/c1', nowSeconds: 0, recentErrorSeconds: 600 })).toMatchObject({
      status: 'degraded',
      causeCode: 'TELEGRAM_WEBHOOK_NOT_SET',
    });
  });

  it('a revoked token makes the health check "needs-reauth"; an outage makes it degraded', async () => {
    const bot = tg.addBot();
    tg.revokeToken(bot.token);
    const revoked = await new TelegramWebhookClient(api(bot.token)).info().then(
      () => undefined,
      (err: unknown) => assessHealthCheckFailure(err),
    );
    expect(revoked).toEqual({ status: 'needs-reauth', causeCode: 'TELEGRAM_TOKEN_INVALID', message: 'Telegram: 401 Unauthorized' });
    const live = tg.addBot();
    tg.failNext('getWebhookInfo', { kind: 'server-error', html: true });
    const down = await new TelegramWebhookClient(api(live.token)).info().then(
      () => undefined,
      (err: unknown) => assessHealthCheckFailure(err),
    );
    expect(down).toMatchObject({ status: 'degraded', causeCode: 'PLATFORM_UNAVAILABLE' });
    expect(JSON.stringify(down)).not.toContain(live.token);
  });

  it('classifies send failures: 429 with retry_after, 403 blocked, 400 chat not found, 401, 5xx, dropped connection', async () => {
    const bot = tg.addBot();
    const send = () => api(bot.token).sendMessage(1, 'hi');
    tg.failNext('sendMessage', { kind: 'rate-limit', retryAfter: 3 });
    expect(await failureOf(send())).toMatchObject({ action: 'retry-after', retryAfterMs: 3000 });
    tg.failNext('sendMessage', { kind: 'blocked' });
    expect(await failureOf(send())).toEqual({ action: 'fail', errorCode: 'TELEGRAM_BOT_BLOCKED', description: '403 Forbidden: bot was blocked by the user' });
    tg.failNext('sendMessage', { kind: 'chat-not-found' });
    expect(await failureOf(send())).toMatchObject({ action: 'fail', errorCode: 'TELEGRAM_CHAT_NOT_FOUND' });
    tg.failNext('sendMessage', { kind: 'error', errorCode: 400, description: 'Bad Request: message is too long' });
    expect(await failureOf(send())).toMatchObject({ action: 'fail', errorCode: 'TELEGRAM_BAD_REQUEST' });
    tg.failNext('sendMessage', { kind: 'unauthorized' });
    expect(await failureOf(send())).toMatchObject({ action: 'fail', errorCode: 'TELEGRAM_TOKEN_INVALID' });
    tg.failNext('sendMessage', { kind: 'server-error', status: 502 });
    expect(await failureOf(send())).toMatchObject({ action: 'retry' });
    tg.failNext('sendMessage', { kind: 'drop-connection' });
    expect(await failureOf(send())).toMatchObject({ action: 'retry' });
    const sent = await send();
    expect(sent.message_id).toBeGreaterThan(0);
  });

  it('streams a file: getFile, then /file/bot<token>/<file_path>', async () => {
    const bot = tg.addBot();
    const file = tg.addFile(bot.token, Buffer.from('%PDF-1.7 contract'), { fileName: 'contract.pdf' });
    const opened = await openTelegramFile(api(bot.token), tg.apiRoot, bot.token, file.file_id);
    const chunks: Buffer[] = [];
    for await (const c of opened.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.7 contract');
    expect(opened.size).toBe(17);
    expect(tg.callsOf('file').map((c) => c.params.file_path)).toEqual([file.file_path]);
  });

  it('an unknown file id is a GrammyError from getFile; a download that is gone is not-found', async () => {
    const bot = tg.addBot();
    await expect(openTelegramFile(api(bot.token), tg.apiRoot, bot.token, 'nope')).rejects.toMatchObject({ name: 'GrammyError', error_code: 400 });
    const gone = openTelegramFile(
      { getFile: async () => ({ file_id: 'f', file_unique_id: 'u', file_path: 'documents/missing.bin' }) } as never,
      tg.apiRoot,
      bot.token,
      'f',
    );
    await expect(gone).rejects.toEqual(new TelegramFileError('file download answered 404', 'not-found'));
  });
});
