import { randomUUID } from 'node:crypto';
import { encryptJson, parseSecretsKey } from '@crm/secrets';
import { FakeTelegramServer } from '@crm/testing';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';

// GET /api/v1/dialogs/:id/messages/:messageId/attachments/:n against real Postgres and the fake Telegram Bot API.
describe('attachments (real Postgres, fake Telegram)', () => {
  let tg: FakeTelegramServer;
  let api: ApiHarness;
  let accountId: string;
  let token: string;
  let dialogId: string;
  let messageId: string;
  let bot: { token: string };
  const pdf = Buffer.from('%PDF-1.7\n binary \x00\x01\x02 contract');

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    api = await startApiHarness({ TELEGRAM_API_ROOT: tg.apiRoot });
    accountId = await api.createAccount();
    token = api.token(accountId, 'agent');
    bot = tg.addBot();
    const file = tg.addFile(bot.token, pdf, { fileName: 'contract.pdf' });
    const channelId = randomUUID();
    dialogId = randomUUID();
    messageId = randomUUID();
    const secrets = encryptJson({ botToken: bot.token }, parseSecretsKey(api.env.SECRETS_KEY!));
    await api.dataSource.query(`INSERT INTO channels (id, account_id, type, name, status, secrets_encrypted) VALUES ($1, $2, 'telegram', 'bot', 'active', $3)`, [channelId, accountId, secrets]);
    await api.dataSource.query(`INSERT INTO dialogs (id, account_id, channel_id, external_chat_id) VALUES ($1, $2, $3, '5001')`, [dialogId, accountId, channelId]);
    await api.dataSource.query(
      `INSERT INTO messages (id, account_id, dialog_id, channel_id, direction, kind, attachments, external_id, status)
       VALUES ($1, $2, $3, $4, 'in', 'document', $5, '77', 'received')`,
      [
        messageId,
        accountId,
        dialogId,
        channelId,
        JSON.stringify([
          { kind: 'document', platformFileId: file.file_id, mimeType: 'application/pdf', fileName: 'Договор №5 "итог".pdf', size: pdf.length },
          { kind: 'image', platformFileId: 'AgAC-unknown-to-telegram', mimeType: 'image/jpeg', fileName: 'photo.jpg' },
        ]),
      ],
    );
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await tg?.close();
  });

  const url = (n: string | number, d = dialogId, m = messageId) => `/api/v1/dialogs/${d}/messages/${m}/attachments/${n}`;

  it('streams the file from Telegram (getFile, then /file/bot<token>/<path>) with the message’s mime type and file name', async () => {
    const res = await fetch(`${api.url}${url(0)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="_______ _5 ______.pdf"; filename*=UTF-8''${encodeURIComponent('Договор №5 "итог".pdf')}`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(tg.callsOf('getFile', bot.token).length).toBeGreaterThan(0);
    expect(tg.callsOf('file', bot.token).length).toBeGreaterThan(0);
    expect(api.logs.join('\n')).not.toContain(bot.token);
  });

  it('another account gets 404, as for an unknown message or dialog', async () => {
    const other = api.token(await api.createAccount('Other'), 'admin');
    expect((await api.request('GET', url(0), { token: other })).body).toMatchObject({ statusCode: 404, code: 'MESSAGE_NOT_FOUND' });
    expect((await api.request('GET', url(0, randomUUID()), { token })).body.code).toBe('MESSAGE_NOT_FOUND');
    expect((await api.request('GET', url(0, dialogId, 'not-a-uuid'), { token })).body.code).toBe('MESSAGE_NOT_FOUND');
  });

  it('no file at that position, or one Telegram no longer serves → 404 ATTACHMENT_NOT_FOUND', async () => {
    expect((await api.request('GET', url(2), { token })).body).toMatchObject({ statusCode: 404, code: 'ATTACHMENT_NOT_FOUND' });
    expect((await api.request('GET', url('x'), { token })).body.code).toBe('ATTACHMENT_NOT_FOUND');
    expect((await api.request('GET', url(-1), { token })).body.code).toBe('ATTACHMENT_NOT_FOUND');
    expect((await api.request('GET', url(1), { token })).body).toMatchObject({ statusCode: 404, code: 'ATTACHMENT_NOT_FOUND' });
  });

  it('Telegram unreachable → 503 PLATFORM_UNAVAILABLE; a bearer token is required', async () => {
    await tg.stop();
    try {
      expect((await api.request('GET', url(0), { token })).body).toMatchObject({ statusCode: 503, code: 'PLATFORM_UNAVAILABLE' });
    } finally {
      await tg.restart();
    }
    expect((await api.request('GET', url(0))).status).toBe(401);
  });
});
