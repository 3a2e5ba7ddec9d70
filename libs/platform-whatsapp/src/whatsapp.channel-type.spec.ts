import { ErrorCode } from '@crm/domain';
import { FakeGraphServer, type FakeWaNumber } from '@crm/testing';
import { WhatsappGraphClient } from './graph-api/graph-client';
import { WhatsappChannelTypeAdapter } from './whatsapp.channel-type';

describe('WhatsApp channel type against the fake Graph API', () => {
  let graph: FakeGraphServer;
  let number: FakeWaNumber;
  let adapter: WhatsappChannelTypeAdapter;
  const settings = () => ({ phoneNumberId: number.phoneNumberId, accessToken: number.accessToken, appSecret: number.appSecret, businessAccountId: number.wabaId });

  beforeAll(async () => {
    graph = await FakeGraphServer.start();
    adapter = new WhatsappChannelTypeAdapter({ graphUrl: graph.baseUrl, timeoutMs: 500 });
  });
  beforeEach(() => {
    number = graph.addNumber({ verifiedName: 'Магазин', displayPhoneNumber: '+1 555 0100' });
    graph.clearFailures();
    graph.clearCalls();
  });
  afterAll(() => graph.close());

  describe('verifyCredentials (the phone number id read with the token)', () => {
    it('valid: learns the display number and verified name; the token goes as a Bearer header', async () => {
      await expect(adapter.verifyCredentials(settings())).resolves.toEqual({ outcome: 'valid', learned: { displayPhoneNumber: '+1 555 0100', verifiedName: 'Магазин' } });
      expect(graph.callsOf('phone-number')).toEqual([expect.objectContaining({ httpMethod: 'GET', path: `/v25.0/${number.phoneNumberId}`, token: number.accessToken, status: 200 })]);
    });

    it('bad token → 422 WHATSAPP_TOKEN_INVALID naming settings.accessToken', async () => {
      await expect(adapter.verifyCredentials({ ...settings(), accessToken: 'EAAGnot-a-known-token-1234' })).rejects.toMatchObject({
        code: ErrorCode.WHATSAPP_TOKEN_INVALID,
        details: [expect.objectContaining({ path: 'settings.accessToken' })],
      });
    });

    it('unknown phone number id → 422 WHATSAPP_PHONE_NUMBER_NOT_FOUND naming settings.phoneNumberId', async () => {
      await expect(adapter.verifyCredentials({ ...settings(), phoneNumberId: '999999999999' })).rejects.toMatchObject({
        code: ErrorCode.WHATSAPP_PHONE_NUMBER_NOT_FOUND,
        details: [expect.objectContaining({ path: 'settings.phoneNumberId' })],
      });
    });

    it('an expired token (190) is rejected too', async () => {
      graph.failNext('phone-number', { kind: 'graph-error', code: 190 });
      await expect(adapter.verifyCredentials(settings())).rejects.toMatchObject({ code: ErrorCode.WHATSAPP_TOKEN_INVALID });
    });

    it.each([
      ['a 5xx', { kind: 'server-error' as const }],
      ['an HTML 502 of a proxy', { kind: 'server-error' as const, status: 502, html: true }],
      ['a dropped connection', { kind: 'drop-connection' as const }],
      ['a timeout', { kind: 'delay' as const, ms: 1500 }],
      ['a rate limit', { kind: 'graph-error' as const, code: 4 }],
    ])('Graph unreachable (%s) → unavailable, never a rejection', async (_name, failure) => {
      graph.failNext('phone-number', failure);
      const check = await adapter.verifyCredentials(settings());
      expect(check).toMatchObject({ outcome: 'unavailable', detail: expect.stringContaining('WhatsApp Graph API check failed') });
      expect(JSON.stringify(check)).not.toContain(number.accessToken);
    });

    it('Graph down entirely → unavailable', async () => {
      const down = new WhatsappChannelTypeAdapter({ graphUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
      await expect(down.verifyCredentials(settings())).resolves.toMatchObject({ outcome: 'unavailable' });
    });
  });

  describe('listTemplates', () => {
    it('lists the APPROVED templates of the business account, over several pages', async () => {
      for (let i = 0; i < 120; i++) graph.addTemplate(number.wabaId, { name: `tpl_${i}`, language: 'ru' });
      graph.addTemplate(number.wabaId, { name: 'pending_one', status: 'PENDING' });
      const templates = await adapter.listTemplates(settings());
      expect(templates).toHaveLength(120);
      expect(templates[0]).toEqual({ name: 'tpl_0', language: 'ru', category: 'UTILITY', components: [{ type: 'BODY', text: 'Заказ {{1}} готов' }] });
      expect(templates.some((t) => t.name === 'pending_one')).toBe(false);
      expect(graph.callsOf('templates')).toHaveLength(2);
    });

    it('without businessAccountId → WHATSAPP_BUSINESS_ACCOUNT_REQUIRED, Graph not asked', async () => {
      const { businessAccountId: _b, ...noWaba } = settings();
      await expect(adapter.listTemplates(noWaba)).rejects.toMatchObject({ code: ErrorCode.WHATSAPP_BUSINESS_ACCOUNT_REQUIRED });
      expect(graph.calls).toEqual([]);
    });

    it('a WABA the token cannot see → WHATSAPP_BUSINESS_ACCOUNT_REQUIRED; Graph down → PLATFORM_UNAVAILABLE', async () => {
      await expect(adapter.listTemplates({ ...settings(), businessAccountId: '55555' })).rejects.toMatchObject({ code: ErrorCode.WHATSAPP_BUSINESS_ACCOUNT_REQUIRED });
      graph.failNext('templates', { kind: 'server-error' });
      await expect(adapter.listTemplates(settings())).rejects.toMatchObject({ code: ErrorCode.PLATFORM_UNAVAILABLE });
    });
  });

  describe('WhatsappGraphClient', () => {
    const client = () => new WhatsappGraphClient(number.accessToken, { baseUrl: `${graph.baseUrl}/`, timeoutMs: 1000 });

    it('sends inside the window and gets a wamid; outside it → permanent 131047', async () => {
      const body = { messaging_product: 'whatsapp', to: '+79161234567', type: 'text', text: { body: 'hi' } };
      const closed = await client().sendMessage(number.phoneNumberId, body);
      expect(closed).toEqual({ ok: false, failure: expect.objectContaining({ kind: 'permanent', code: 131047, status: 400 }) });
      graph.customerWrote(number.phoneNumberId, '79161234567');
      const sent = await client().sendMessage(number.phoneNumberId, body);
      expect(sent.ok && sent.value.messages?.[0].id).toMatch(/^wamid\./);
      expect(graph.sent(number.phoneNumberId).map((s) => s.to)).toEqual(['+79161234567']);
    });

    it.each([
      [130429, undefined, 1_000],
      [131056, undefined, 6_000],
      [130429, 3, 3_000],
    ])('rate limits (%s, Retry-After %s) → rate-limited after %s ms', async (code, retryAfterSeconds, retryAfterMs) => {
      graph.failNext('messages', { kind: 'graph-error', code, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
      const result = await client().sendMessage(number.phoneNumberId, { messaging_product: 'whatsapp', to: '+7916', type: 'text', text: { body: 'x' } });
      expect(result).toEqual({ ok: false, failure: expect.objectContaining({ kind: 'rate-limited', code, retryAfterMs }) });
    });

    it('190 → rejected; is_transient → unavailable', async () => {
      graph.failNext('messages', { kind: 'graph-error', code: 190 });
      expect(await client().sendMessage(number.phoneNumberId, {})).toEqual({ ok: false, failure: expect.objectContaining({ kind: 'rejected', code: 190 }) });
      graph.failNext('messages', { kind: 'graph-error', code: 131000, isTransient: true });
      expect(await client().sendMessage(number.phoneNumberId, {})).toEqual({ ok: false, failure: expect.objectContaining({ kind: 'unavailable' }) });
    });

    it('mark read, then media: URL with the Bearer token works for 5 minutes only', async () => {
      expect(await client().markRead(number.phoneNumberId, 'wamid.IN1')).toEqual({ ok: true, value: { success: true } });
      expect(graph.readMarks(number.phoneNumberId)).toEqual(['wamid.IN1']);

      const mediaId = graph.addMedia(number.phoneNumberId, Buffer.from('JPEGDATA'), 'image/jpeg');
      const media = await client().getMedia(mediaId, number.phoneNumberId);
      if (!media.ok) throw new Error('getMedia failed');
      expect(media.value).toMatchObject({ id: mediaId, mime_type: 'image/jpeg', file_size: 8 });
      const file = await client().downloadMedia(media.value.url);
      if (!file.ok) throw new Error('download failed');
      expect(Buffer.from(await file.value.arrayBuffer()).toString()).toBe('JPEGDATA');

      const plain = await fetch(media.value.url);
      expect(plain.status).toBe(401);
      const realNow = graph.now;
      graph.now = () => realNow() + 5 * 60 * 1000 + 1;
      try {
        expect(await client().downloadMedia(media.value.url)).toEqual({ ok: false, failure: expect.objectContaining({ kind: 'permanent', status: 404 }) });
      } finally {
        graph.now = realNow;
      }
    });
  });
});
