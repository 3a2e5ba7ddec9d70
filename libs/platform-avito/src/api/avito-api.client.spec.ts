import { ErrorCode } from '@crm/domain';
import { FakeAvitoServer, type FakeAvitoAccount } from '@crm/testing';
import { AvitoTokenProvider } from '../auth/avito-token.provider';
import { InMemoryAvitoTokenStore } from '../auth/avito-token.store';
import { AvitoApiClient } from './avito-api.client';
import { checkAvitoCredentials } from './avito-credentials';
import { classifyAvitoStatus, parseRetryAfter } from './avito-failure';

describe('Avito API client against the fake Avito API', () => {
  let avito: FakeAvitoServer;
  let account: FakeAvitoAccount;
  let api: AvitoApiClient;
  const creds = () => ({ clientId: account.clientId, clientSecret: account.clientSecret });
  const key = (channelId: string) => ({ channelId, accountId: 'acc-1' });

  beforeAll(async () => {
    avito = await FakeAvitoServer.start();
    api = new AvitoApiClient({ baseUrl: `${avito.baseUrl}/`, timeoutMs: 2000 });
  });
  beforeEach(() => {
    account = avito.addAccount({ name: 'Велосипеды' });
    avito.clearCalls();
  });
  afterAll(() => avito.close());

  describe('credential check on save', () => {
    it('accepts working credentials and learns the messenger user id', async () => {
      await expect(checkAvitoCredentials(creds(), { baseUrl: avito.baseUrl })).resolves.toEqual({ outcome: 'valid', learned: { userId: account.userId, profileName: 'Велосипеды' } });
      expect(avito.calls.map((c) => c.route)).toEqual(['token', 'self', 'subscriptions']);
      expect(avito.callsOf('token')[0].body).toMatchObject({ grant_type: 'client_credentials', client_id: account.clientId });
    });

    it('refuses wrong credentials with AVITO_CREDENTIALS_INVALID, without echoing the secret', async () => {
      const err = await checkAvitoCredentials({ clientId: account.clientId, clientSecret: 'wrongSecret123' }, { baseUrl: avito.baseUrl }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.AVITO_CREDENTIALS_INVALID });
      expect(JSON.stringify(err)).not.toContain('wrongSecret123');
    });

    it('refuses a plan without the Messenger API with AVITO_PLAN_REQUIRED', async () => {
      const basic = avito.addAccount({ messenger: false });
      await expect(checkAvitoCredentials({ clientId: basic.clientId, clientSecret: basic.clientSecret }, { baseUrl: avito.baseUrl })).rejects.toMatchObject({ code: ErrorCode.AVITO_PLAN_REQUIRED });
    });

    it('reports Avito down or failing as unavailable (saved as error, re-checked)', async () => {
      avito.failNext('self', { kind: 'server-error', status: 503 });
      await expect(checkAvitoCredentials(creds(), { baseUrl: avito.baseUrl })).resolves.toEqual({ outcome: 'unavailable', detail: expect.stringContaining('accounts/self: unavailable: 503') });
      avito.failNext('token', { kind: 'drop-connection' });
      await expect(checkAvitoCredentials(creds(), { baseUrl: avito.baseUrl })).resolves.toMatchObject({ outcome: 'unavailable' });
      avito.failNext('subscriptions', { kind: 'delay', ms: 400 });
      await expect(checkAvitoCredentials(creds(), { baseUrl: avito.baseUrl, timeoutMs: 100 })).resolves.toEqual({ outcome: 'unavailable', detail: expect.stringContaining('timeout') });
    });
  });

  describe('calls and their failures', () => {
    it('sends a text, marks read, reads chat info and voice files', async () => {
      avito.addChat(account, { chatId: 'u2i-1', item: { id: 42, title: 'Велосипед' }, client: { id: 7, name: 'Иван' } });
      avito.addVoice('v1');
      const token = await api.requestToken(account.clientId, account.clientSecret);
      if (!token.ok) throw new Error('no token');
      expect(token.value.expiresInSeconds).toBe(86_400);
      const t = token.value.accessToken;
      await expect(api.sendText(t, account.userId, 'u2i-1', 'Да, продаётся')).resolves.toMatchObject({ ok: true, value: { id: expect.any(String) } });
      expect(avito.sent.map((s) => s.text)).toContain('Да, продаётся');
      await expect(api.markRead(t, account.userId, 'u2i-1')).resolves.toMatchObject({ ok: true });
      expect(avito.readMarks).toContain(`${account.userId}:u2i-1`);
      await expect(api.getChat(t, account.userId, 'u2i-1')).resolves.toMatchObject({ ok: true, value: { context: { value: { id: 42, title: 'Велосипед' } } } });
      await expect(api.getVoiceFiles(t, account.userId, ['v1', 'v2'])).resolves.toEqual({ ok: true, value: { v1: `${avito.baseUrl}/files/voice/v1.mp4` } });
      expect(avito.callsOf('sendText')[0].token).toBe(t);
    });

    it('maps Avito errors to typed failures', async () => {
      const token = await api.requestToken(account.clientId, account.clientSecret);
      if (!token.ok) throw new Error('no token');
      const t = token.value.accessToken;
      avito.addChat(account, { chatId: 'c1' });
      avito.failNext('sendText', { kind: 'rate-limit', retryAfterSeconds: 3 });
      await expect(api.sendText(t, account.userId, 'c1', 'x')).resolves.toEqual({ ok: false, failure: { kind: 'rate-limited', status: 429, retryAfterMs: 3000, message: 'Too Many Requests' } });
      await expect(api.sendText(t, account.userId, 'c1', 'x'.repeat(1001))).resolves.toEqual({ ok: false, failure: { kind: 'permanent', status: 400, code: 400, message: 'Validation error' } });
      await expect(api.sendText(t, account.userId, 'nope', 'x')).resolves.toMatchObject({ ok: false, failure: { kind: 'permanent', status: 404 } });
      await expect(api.sendText('bad-token', account.userId, 'c1', 'x')).resolves.toMatchObject({ ok: false, failure: { kind: 'rejected', status: 401 } });
      await expect(api.sendText(t, account.userId + 1, 'c1', 'x')).resolves.toMatchObject({ ok: false, failure: { kind: 'rejected', status: 403 } });
      await expect(api.requestToken(account.clientId, 'nope')).resolves.toMatchObject({ ok: false, failure: { kind: 'rejected', status: 401, message: 'invalid client' } });
    });

    it('classifies statuses and Retry-After', () => {
      expect(classifyAvitoStatus(400, { error: 'invalid_client', error_description: 'bad' }, null, { tokenEndpoint: true })).toEqual({ kind: 'rejected', status: 400, message: 'invalid_client: bad' });
      expect(classifyAvitoStatus(402, { error: { code: 402, message: 'Payment required' } }, null)).toEqual({ kind: 'permanent', status: 402, code: 402, message: 'Payment required' });
      expect(classifyAvitoStatus(502, undefined, null)).toEqual({ kind: 'unavailable', status: 502, message: 'HTTP 502' });
      expect(parseRetryAfter('2')).toBe(2000);
      expect(parseRetryAfter(undefined)).toBe(1000);
      expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
      expect(parseRetryAfter('99999')).toBe(300_000);
    });
  });

  describe('shared access tokens', () => {
    it('requests one token for concurrent callers of every instance sharing a store', async () => {
      const store = new InMemoryAvitoTokenStore();
      const a = new AvitoTokenProvider(store, api);
      const b = new AvitoTokenProvider(store, api);
      const tokens = await Promise.all([a.token(key('ch1'), creds()), b.token(key('ch1'), creds()), a.token(key('ch1'), creds())]);
      expect(new Set(tokens.map((t) => (t.ok ? t.value : 'failed'))).size).toBe(1);
      expect(avito.callsOf('token')).toHaveLength(1);
    });

    it('re-requests before expiry and for changed credentials', async () => {
      let now = Date.now();
      const store = new InMemoryAvitoTokenStore();
      const p = new AvitoTokenProvider(store, api, { now: () => now, refreshMarginMs: 60_000 });
      const first = await p.token(key('ch1'), creds());
      now += 86_400_000 - 30_000;
      const second = await p.token(key('ch1'), creds());
      expect(second).toMatchObject({ ok: true });
      expect(second).not.toEqual(first);
      const other = avito.addAccount();
      await p.token(key('ch1'), { clientId: other.clientId, clientSecret: other.clientSecret });
      expect(avito.callsOf('token')).toHaveLength(3);
    });

    it('after a 401 mid-run refreshes once across two instances and retries each call once', async () => {
      avito.addChat(account, { chatId: 'c1' });
      const store = new InMemoryAvitoTokenStore();
      const a = new AvitoTokenProvider(store, api);
      const b = new AvitoTokenProvider(store, api);
      const send = (p: AvitoTokenProvider, text: string) => p.withToken(key('ch1'), creds(), (t) => api.sendText(t, account.userId, 'c1', text));
      await expect(send(a, 'one')).resolves.toMatchObject({ ok: true });
      await expect(send(b, 'two')).resolves.toMatchObject({ ok: true });
      expect(avito.callsOf('token')).toHaveLength(1);
      avito.expireTokens(account);
      const results = await Promise.all([send(a, 'three'), send(b, 'four')]);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(avito.callsOf('token')).toHaveLength(2);
      expect(avito.callsOf('sendText').map((c) => c.status)).toEqual([200, 200, 401, 401, 200, 200]);
    });

    it('gives up after the retry (credentials revoked → rejected)', async () => {
      avito.addChat(account, { chatId: 'c1' });
      const p = new AvitoTokenProvider(new InMemoryAvitoTokenStore(), api);
      await p.token(key('ch1'), creds());
      const stale = creds();
      avito.revokeCredentials(account);
      const result = await p.withToken(key('ch1'), stale, (t) => api.sendText(t, account.userId, 'c1', 'x'));
      expect(result).toMatchObject({ ok: false, failure: { kind: 'rejected', status: 401 } });
      avito.failNext('sendText', { kind: 'unauthorized' }, 2);
      const fresh = avito.addAccount();
      avito.addChat(fresh, { chatId: 'c2' });
      const twice = await p.withToken(key('ch2'), { clientId: fresh.clientId, clientSecret: fresh.clientSecret }, (t) => api.sendText(t, fresh.userId, 'c2', 'x'));
      expect(twice).toMatchObject({ ok: false, failure: { kind: 'rejected', status: 401 } });
      // Revoked: one send, then /token refuses (no second send). Two 401s in a row: the send and its single retry.
      expect(avito.callsOf('sendText').map((c) => c.path.split('/')[6])).toEqual(['c1', 'c2', 'c2']);
      expect(avito.callsOf('token').map((c) => c.status)).toEqual([200, 401, 200, 200]);
    });
  });
});
