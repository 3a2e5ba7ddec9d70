import { randomUUID } from 'node:crypto';
import { ChannelConfigData, ChannelHealthData, createEnvelope, decodeEnvelope, encodeEnvelope, MessageStatusData, Topics } from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { decryptJson, decryptSecret, parseSecretsKey } from '@crm/secrets';
import { FakeAvitoServer, FakeBitrix24Server, FakeGraphServer, FakeTelegramServer, FakeVkServer, readTopic, testBrokers, waitFor, type FakeBot } from '@crm/testing';
import { overrideAvailability } from '../channel-types/testing/type-availability';
import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

// The channels section end to end: the running api (real Postgres + Kafka) against a fake Telegram Bot API.
describe('channels: the wizard, the list, config on Kafka, verification, health', () => {
  let tg: FakeTelegramServer;
  let avito: FakeAvitoServer;
  let graph: FakeGraphServer;
  let vk: FakeVkServer;
  let bitrix: FakeBitrix24Server;
  let api: ApiHarness;
  let accountId: string;
  let admin: string;
  let key: Buffer;
  const responses: string[] = [];
  /** Every secret the test sends; none may ever come back or reach a log line. */
  const secrets: string[] = [];
  const bots: FakeBot[] = [];

  const call = async (method: string, path: string, body?: unknown, token = admin, headers: Record<string, string> = {}) => {
    const res = await api.request(method, path, { token, body, headers });
    responses.push(res.text);
    return res;
  };
  const configTopic = () => `${api.env.KAFKA_TOPIC_PREFIX}${Topics.ChannelsConfig}`;
  const count = async (sql: string, params: unknown[] = []) => Number((await api.dataSource.query(sql, params))[0].n);
  const outboxDrained = () => waitFor(async () => (await count(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)) === 0, 15_000, 'outbox drained');
  const configRecords = async (expectAtLeast?: number) => {
    await outboxDrained();
    return readTopic(configTopic(), { expect: expectAtLeast });
  };
  const latestConfig = async (channelId: string, revision: number) => {
    const record = await waitFor(async () => {
      const all = await readTopic(configTopic());
      const mine = all.filter((r) => r.key === channelId);
      const last = mine[mine.length - 1];
      if (!last?.value) return undefined;
      return decodeEnvelope(last.value, ChannelConfigData).data.revision >= revision ? last : undefined;
    }, 20_000, `config revision ${revision} of ${channelId}`);
    return { raw: record.value!, envelope: decodeEnvelope(record.value!, ChannelConfigData) };
  };

  const newBot = () => {
    const bot = tg.addBot({ username: `shop${bots.length}_bot`, firstName: 'Магазин' });
    bots.push(bot);
    secrets.push(bot.token, bot.token.split(':')[1]);
    return bot;
  };
  const secret = <T extends string>(value: T): T => {
    secrets.push(value);
    return value;
  };
  /** No connector receives these types' messages yet (issue 9 §7): refused unless a test marks them available. */
  const UNAVAILABLE: string[] = [];
  /** Runs `fn` with the given channel / integration types marked available, as their own issues will mark them. */
  const asIfAvailable = async <T>(types: { channelTypes?: string[]; integrationTypes?: string[] }, fn: () => Promise<T>): Promise<T> => {
    const on = (list: string[] = []) => Object.fromEntries(list.map((t) => [t, true]));
    const restore = overrideAvailability(api.service.app, { channelTypes: on(types.channelTypes), integrationTypes: on(types.integrationTypes) });
    try {
      return await fn();
    } finally {
      restore();
    }
  };

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    avito = await FakeAvitoServer.start();
    graph = await FakeGraphServer.start();
    vk = await FakeVkServer.start();
    bitrix = await FakeBitrix24Server.start();
    api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true', TELEGRAM_API_ROOT: tg.apiRoot, AVITO_API_URL: avito.baseUrl, WHATSAPP_GRAPH_URL: graph.baseUrl, VK_API_URL: vk.apiUrl, CHANNEL_VERIFY_RETRY_MS: '200', PLATFORM_VERIFY_TIMEOUT_MS: '3000', PUBLIC_URL: 'https://crm.example.com' });
    key = parseSecretsKey(api.env.SECRETS_KEY!);
    accountId = await api.createAccount('Магазин');
    admin = api.token(accountId, 'admin');
  });

  afterAll(async () => {
    await api?.close();
    await tg?.close();
    await avito?.close();
    await graph?.close();
    await vk?.close();
    await bitrix?.close();
  });

  it('answers an empty account with no items', async () => {
    const res = await call('GET', '/api/v1/channels');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('describes the five channel types with fields, instructions and the platforms\' facts', async () => {
    const res = await call('GET', '/api/v1/channel-types', undefined, api.token(accountId, 'agent'));
    expect(res.status).toBe(200);
    const byType = Object.fromEntries((res.body.items as Array<{ type: string }>).map((t) => [t.type, t])) as Record<string, any>;
    expect(Object.keys(byType).sort()).toEqual(['avito', 'telegram', 'vk', 'whatsapp', 'widget']);
    expect(byType.telegram.settings).toEqual([expect.objectContaining({ name: 'botToken', required: true, secret: true, format: expect.stringContaining('@BotFather') })]);
    expect(byType.telegram.instructionsUrl).toMatch(/^https:\/\/core\.telegram\.org\//);
    expect(byType.telegram.capabilities).toMatchObject({ canStartConversation: false, maxUploadBytes: 50 * 1024 * 1024, maxDownloadBytes: 20 * 1024 * 1024, maxTextLength: 4096 });
    expect(byType.whatsapp.capabilities).toMatchObject({ replyWindowHours: 24, deliveryReceipts: true, readReceipts: true });
    expect(byType.whatsapp.settings.map((f: any) => [f.name, f.secret])).toEqual([['phoneNumberId', false], ['accessToken', true], ['appSecret', true], ['businessAccountId', false]]);
    expect(byType.avito.capabilities).toMatchObject({ maxTextLength: 1000, canStartConversation: false });
    expect(byType.widget.settings.find((f: any) => f.name === 'allowedOrigins')).toMatchObject({ required: true, kind: 'string[]' });
    const en = await call('GET', '/api/v1/channel-types', undefined, admin, { 'accept-language': 'en' });
    expect(en.body.items.find((t: any) => t.type === 'vk').title).toBe('VK');
    // Only the types whose connector receives messages are available.
    expect(Object.fromEntries(Object.entries(byType).map(([type, t]) => [type, t.available]))).toEqual({ telegram: true, widget: true, whatsapp: true, vk: true, avito: true });
  });

  let integrationId: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  const created = new Map<string, any>();

  it('has an integration and a funnel to route to', async () => {
    const integration = await call('POST', '/api/v1/integrations', {
      type: 'bitrix24',
      name: 'Bitrix24',
      settings: { webhookUrl: secret(bitrix.addWebhook({ code: 'a1b2c3d4e5f6g7h8' }).url) },
    });
    expect(integration.status).toBe(201);
    integrationId = integration.body.id;
    const f = await call('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новый лид' }, { name: 'В работе' }] });
    expect(f.status).toBe(201);
    funnel = f.body;
  });

  /** Settings per type; each call gives a new platform identity. */
  let seq = 0;
  const settingsOf: Record<string, () => Record<string, unknown>> = {
    telegram: () => ({ botToken: newBot().token }),
    whatsapp: () => {
      const number = graph.addNumber({ phoneNumberId: `10654035224${++seq}`, accessToken: secret(`EAAGm0PX4ZCpsBA${randomUUID().replace(/-/g, '')}`), appSecret: secret(randomUUID().replace(/-/g, '')), verifiedName: 'Магазин' });
      return { phoneNumberId: number.phoneNumberId, accessToken: number.accessToken, appSecret: number.appSecret };
    },
    vk: () => {
      const community = vk.addCommunity({ name: 'Магазин', token: secret(`vk1.a.${randomUUID().replace(/-/g, '')}`) });
      return { groupId: community.groupId, accessToken: community.token };
    },
    avito: () => {
      const account = avito.addAccount({ clientId: `avitoClient${++seq}`, clientSecret: secret(`Yx2Lm9Qw${randomUUID().replace(/-/g, '')}`) });
      return { clientId: account.clientId, clientSecret: account.clientSecret };
    },
    widget: () => ({ allowedOrigins: ['https://shop.example.com', 'http://localhost:3000'], title: 'Напишите нам', color: '#2f80ed' }),
  };
  const cases = ['telegram', 'whatsapp', 'vk', 'avito', 'widget'].flatMap((type) => [
    [type, 'without integration and funnel'],
    [type, 'with an integration, a funnel stage and every toggle'],
  ]) as Array<[string, string]>;

  it('refuses a channel of a type nothing receives messages of yet with 422 CHANNEL_TYPE_UNAVAILABLE, in ru and en, saving nothing', async () => {
    // Each type is marked unavailable here, whatever its adapter's flag says by the time this runs (connectors flip their own).
    const titles: Record<string, [string, string]> = { whatsapp: ['WhatsApp', 'WhatsApp'], vk: ['ВКонтакте', 'VK'], avito: ['Авито', 'Avito'] };
    const restore = overrideAvailability(api.service.app, { channelTypes: Object.fromEntries(Object.keys(titles).map((t) => [t, false])) });
    const before = { channels: await count(`SELECT count(*) AS n FROM channels`), outbox: await count(`SELECT count(*) AS n FROM outbox`) };
    for (const type of Object.keys(titles)) {
      const body = { name: `${type} без коннектора`, type, settings: settingsOf[type]() };
      const ru = await call('POST', '/api/v1/channels', body);
      expect([type, ru.status, ru.body]).toEqual([
        type,
        422,
        expect.objectContaining({
          statusCode: 422,
          code: 'CHANNEL_TYPE_UNAVAILABLE',
          message: `Каналы типа «${titles[type][0]}» пока недоступны: их сообщения ещё некому принимать`,
          details: [{ path: 'type', constraints: [expect.any(String)] }],
        }),
      ]);
      const en = await call('POST', '/api/v1/channels', body, admin, { 'accept-language': 'en' });
      expect([type, en.status, en.body.message]).toEqual([type, 422, `${titles[type][1]} channels are not available yet: nothing receives their messages`]);
      // Even malformed settings are answered with the type's unavailability first.
      expect((await call('POST', '/api/v1/channels', { name: 'x', type, settings: {} })).body.code).toBe('CHANNEL_TYPE_UNAVAILABLE');
    }
    restore();
    expect({ channels: await count(`SELECT count(*) AS n FROM channels`), outbox: await count(`SELECT count(*) AS n FROM outbox`) }).toEqual(before);
  });

  // Types still unavailable (UNAVAILABLE) are marked available here to keep covering what their channels store and show.
  it.each(cases)('creates a %s channel %s, active at once, secrets masked, with what to paste', async (type, variant) => {
    const full = variant.startsWith('with ');
    const settings = settingsOf[type]();
    const body = {
      name: `${type} ${full ? 'full' : 'bare'}`,
      type,
      description: full ? 'канал на лендинге' : undefined,
      ...(full
        ? {
            integrationId,
            routing: { funnelId: funnel.id, stageId: funnel.stages[1].id, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true },
          }
        : {}),
      settings,
    };
    const res = await asIfAvailable({ channelTypes: UNAVAILABLE }, () => call('POST', '/api/v1/channels', body));
    expect(res.status).toBe(201);
    const channel = res.body;
    created.set(`${type}:${full}`, { channel, settings });
    expect(channel).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: body.name,
      type,
      description: full ? 'канал на лендинге' : null,
      status: 'active',
      statusReason: null,
      integrationId: full ? integrationId : null,
      routing: full
        ? { funnelId: funnel.id, stageId: funnel.stages[1].id, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true }
        : { funnelId: null, stageId: null, createLeadOnFirstMessage: false, findExistingLead: false, createClientOnFirstMessage: false, autoMatchClient: false },
      health: { status: 'unknown', causeCode: null, message: null, checkedAt: null },
      revision: 1,
    });
    const base = `https://crm.example.com`;
    const row = (await api.dataSource.query(`SELECT webhook_secret_encrypted, public_key FROM channels WHERE id = $1`, [channel.id]))[0];
    const hookSecret = row.webhook_secret_encrypted ? decryptSecret(row.webhook_secret_encrypted, key) : null;
    switch (type) {
      case 'telegram':
        expect(channel.settings).toEqual({ botToken: `••••${String(settings.botToken).slice(-2)}`, botId: String(settings.botToken).split(':')[0], botUsername: expect.stringMatching(/_bot$/), botName: 'Магазин' });
        expect(channel.connection).toEqual({ manual: false, note: expect.stringContaining('вебхук') });
        expect(hookSecret).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
        expect(tg.callsOf('getMe', String(settings.botToken))).toHaveLength(1);
        break;
      case 'whatsapp':
        expect(channel.settings).toEqual({
          phoneNumberId: settings.phoneNumberId,
          accessToken: expect.stringMatching(/^••••..$/),
          appSecret: expect.stringMatching(/^••••..$/),
          displayPhoneNumber: expect.stringMatching(/^\+1 555/),
          verifiedName: 'Магазин',
        });
        expect(graph.callsOf('phone-number').filter((c) => c.token === settings.accessToken)).toHaveLength(1);
        expect(channel.connection).toEqual({ manual: true, callbackUrl: `${base}/webhooks/whatsapp/${channel.id}`, verifyToken: hookSecret, note: expect.any(String) });
        break;
      case 'vk':
        // The community's name and the callback confirmation string are learned from VK on save.
        expect(channel.settings).toEqual({ groupId: settings.groupId, accessToken: expect.stringMatching(/^••••..$/), groupName: 'Магазин', groupScreenName: `club${settings.groupId}`, callbackConfirmationCode: expect.stringMatching(/^[0-9a-f]{8}$/) });
        expect(channel.connection).toEqual({ manual: true, callbackUrl: `${base}/webhooks/vk/${channel.id}`, secretKey: hookSecret, note: expect.stringContaining('groups.getCallbackConfirmationCode') });
        expect(hookSecret).toMatch(/^[A-Za-z0-9]{20,50}$/);
        break;
      case 'avito':
        // userId (the messenger user_id) and the profile name are learned from accounts/self on save.
        expect(channel.settings).toEqual({ clientId: settings.clientId, clientSecret: expect.stringMatching(/^••••..$/), userId: expect.any(Number), profileName: 'Fake Avito seller' });
        expect(channel.connection).toEqual({ manual: true, webhookUrl: `${base}/webhooks/avito/${channel.id}/${hookSecret}`, note: expect.any(String) });
        break;
      case 'widget':
        expect(channel.settings).toEqual(settings);
        expect(row.public_key).toMatch(/^wk_[A-Za-z0-9_-]{20,}$/);
        expect(channel.connection).toEqual({
          manual: true,
          publicKey: row.public_key,
          scriptUrl: `${base}/widget/widget.js`,
          embedSnippet: `<script src="${base}/widget/widget.js" data-key="${row.public_key}" async></script>`,
          note: expect.any(String),
        });
        expect(hookSecret).toBeNull();
        break;
    }
    const again = await call('GET', `/api/v1/channels/${channel.id}`, undefined, api.token(accountId, 'agent'));
    expect(again.body).toEqual(channel);
  });

  it('lists every channel, newest first, and pages with a cursor', async () => {
    const res = await call('GET', '/api/v1/channels');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(cases.length);
    expect(res.body.items.map((c: any) => c.id)).toEqual([...created.values()].map((c) => c.channel.id).reverse());
    const first = await call('GET', '/api/v1/channels?limit=4');
    expect(first.body.items).toHaveLength(4);
    const rest = await call('GET', `/api/v1/channels?limit=100&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((c: any) => c.id)).toEqual(res.body.items.map((c: any) => c.id));
    expect(rest.body.nextCursor).toBeNull();
    const widgets = await call('GET', '/api/v1/channels?type=widget');
    expect(widgets.body.items.map((c: any) => c.type)).toEqual(['widget', 'widget']);
  });

  it('publishes each channel on channels.config.v1 as stored, credentials only encrypted', async () => {
    const records = await configRecords(cases.length);
    expect(records).toHaveLength(cases.length);
    for (const { channel, settings } of created.values()) {
      const record = records.find((r) => r.key === channel.id)!;
      expect(record.headers['x-event-type']).toBe('channel.config');
      const raw = record.value!.toString('utf8');
      for (const s of secrets) expect(raw).not.toContain(s);
      const { data, accountId: envelopeAccount, channelId } = decodeEnvelope(record.value!, ChannelConfigData);
      expect({ envelopeAccount, channelId }).toEqual({ envelopeAccount: accountId, channelId: channel.id });
      const row = (await api.dataSource.query(`SELECT * FROM channels WHERE id = $1`, [channel.id]))[0];
      expect(data).toEqual({
        channelId: channel.id,
        accountId,
        type: channel.type,
        name: channel.name,
        status: 'active',
        settings: { ...row.settings, ...(row.public_key ? { publicKey: row.public_key } : {}) },
        encryptedSecrets: row.secrets_encrypted,
        webhookSecret: row.webhook_secret_encrypted,
        revision: 1,
        updatedAt: row.updated_at.toISOString(),
      });
      const secretKeys = Object.keys(settings).filter((k) => /token|secret/i.test(k));
      if (secretKeys.length > 0) {
        expect(decryptJson(data.encryptedSecrets!, key)).toEqual(Object.fromEntries(secretKeys.map((k) => [k, settings[k]])));
      } else {
        expect(data.encryptedSecrets).toBeNull();
      }
    }
  });

  it('refuses a token Telegram rejects with 422 and saves nothing: no row, no outbox record, nothing on Kafka', async () => {
    const rejected = `${987654321}:${'A'.repeat(35)}`; // well-formed, unknown to Telegram → 401 Unauthorized
    secrets.push(rejected);
    const before = { channels: await count(`SELECT count(*) AS n FROM channels`), outbox: await count(`SELECT count(*) AS n FROM outbox`), topic: (await configRecords()).length };
    const res = await call('POST', '/api/v1/channels', { name: 'Плохой бот', type: 'telegram', settings: { botToken: rejected } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'TELEGRAM_TOKEN_INVALID', message: 'Telegram отклонил токен бота. Проверьте токен у @BotFather' });
    expect(tg.callsOf('getMe', rejected).map((c) => c.status)).toEqual([401]);
    const en = await call('POST', '/api/v1/channels', { name: 'Bad bot', type: 'telegram', settings: { botToken: rejected } }, admin, { 'accept-language': 'en' });
    expect(en.body.message).toBe('Telegram rejected the bot token. Check it with @BotFather');
    await new Promise((r) => setTimeout(r, 300));
    expect({ channels: await count(`SELECT count(*) AS n FROM channels`), outbox: await count(`SELECT count(*) AS n FROM outbox`), topic: (await configRecords()).length }).toEqual(before);
  });

  it('refuses malformed settings, unknown keys and foreign or mismatched routing before asking any platform', async () => {
    const calls = tg.calls.length;
    const malformed = await call('POST', '/api/v1/channels', { name: 'x', type: 'telegram', settings: { botToken: 'no-colon-here' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'CHANNEL_SETTINGS_INVALID', details: [{ path: 'settings.botToken' }] });
    const extraSetting = await call('POST', '/api/v1/channels', { name: 'x', type: 'widget', settings: { allowedOrigins: ['https://a.example'], font: 'Arial' } });
    expect(extraSetting.status).toBe(400);
    expect(extraSetting.body.details).toEqual([{ path: 'settings.font', constraints: ['property font should not exist'] }]);
    const badOrigin = await call('POST', '/api/v1/channels', { name: 'x', type: 'widget', settings: { allowedOrigins: ['https://a.example/path'], color: 'red' } });
    expect(badOrigin.body.details.map((d: any) => d.path).sort()).toEqual(['settings.allowedOrigins', 'settings.color']);
    const extraRouting = await call('POST', '/api/v1/channels', { name: 'x', type: 'widget', routing: { funnelId: null, magic: true }, settings: { allowedOrigins: ['https://a.example'] } });
    expect(extraRouting.status).toBe(400);
    expect(extraRouting.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'routing.magic' }] });
    const unknownType = await call('POST', '/api/v1/channels', { name: 'x', type: 'icq', settings: {} });
    expect(unknownType.status).toBe(400);

    const other = await api.createAccount('Чужой');
    const otherAdmin = api.token(other, 'admin');
    const foreignFunnel = (await call('POST', '/api/v1/funnels', { name: 'Чужая', stages: [{ name: 'Этап' }] }, otherAdmin)).body;
    const [foreignIntegration] = await api.dataSource.query(`INSERT INTO integrations (account_id, type, name) VALUES ($1, 'bitrix24', 'B') RETURNING id`, [other]);
    const widget = { type: 'widget', settings: { allowedOrigins: ['https://a.example'] } };
    const r1 = await call('POST', '/api/v1/channels', { name: 'x', ...widget, routing: { funnelId: foreignFunnel.id } });
    expect(r1.status).toBe(404);
    expect(r1.body).toMatchObject({ code: 'FUNNEL_NOT_FOUND', details: [{ path: 'routing.funnelId' }] });
    const r2 = await call('POST', '/api/v1/channels', { name: 'x', ...widget, integrationId: foreignIntegration.id });
    expect(r2.body).toMatchObject({ statusCode: 404, code: 'INTEGRATION_NOT_FOUND', details: [{ path: 'integrationId' }] });
    const r3 = await call('POST', '/api/v1/channels', { name: 'x', ...widget, routing: { funnelId: funnel.id, stageId: foreignFunnel.stages[0].id } });
    expect(r3.body).toMatchObject({ statusCode: 404, code: 'STAGE_NOT_FOUND' });
    const second = (await call('POST', '/api/v1/funnels', { name: 'Вторая', stages: [{ name: 'Этап' }] })).body;
    const r4 = await call('POST', '/api/v1/channels', { name: 'x', ...widget, routing: { funnelId: funnel.id, stageId: second.stages[0].id } });
    expect(r4.status).toBe(400);
    expect(r4.body).toMatchObject({ code: 'STAGE_NOT_IN_FUNNEL', details: [{ path: 'routing.stageId' }] });
    expect(tg.calls.length).toBe(calls);
  });

  it('refuses the same bot, number, community or Avito client twice in one account (409), even with a regenerated token', async () => {
    for (const type of ['telegram', 'whatsapp', 'vk', 'avito']) {
      const { channel, settings } = created.get(`${type}:false`);
      const res = await asIfAvailable({ channelTypes: UNAVAILABLE }, () => call('POST', '/api/v1/channels', { name: 'Дубль', type, settings }));
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CHANNEL_ALREADY_CONNECTED', details: { channelId: channel.id, channelName: channel.name } });
      expect(res.body.message).toContain(`«${channel.name}»`);
    }
    const { settings } = created.get('telegram:false');
    const botId = Number(String(settings.botToken).split(':')[0]);
    const regenerated = tg.addBot({ token: `${botId}:${'B'.repeat(35)}` });
    secrets.push(regenerated.token);
    const res = await call('POST', '/api/v1/channels', { name: 'Тот же бот', type: 'telegram', settings: { botToken: regenerated.token } });
    expect(res.status).toBe(409);
    // Another account may connect the same bot.
    const other = await api.createAccount('Другой');
    expect((await call('POST', '/api/v1/channels', { name: 'Тот же бот', type: 'telegram', settings }, api.token(other, 'admin'))).status).toBe(201);
  });

  it('saves the channel with status error while Telegram is unreachable and activates it in the background once Telegram is back', async () => {
    const bot = newBot();
    await tg.stop();
    const res = await call('POST', '/api/v1/channels', { name: 'Бот в ожидании', type: 'telegram', settings: { botToken: bot.token } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE', settings: { botToken: expect.stringMatching(/^••••/), botId: String(bot.id) } });
    const listed = (await call('GET', '/api/v1/channels')).body.items.find((c: any) => c.id === res.body.id);
    expect(listed).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE' });
    const first = await latestConfig(res.body.id, 1);
    expect(first.envelope.data).toMatchObject({ status: 'error', revision: 1 });

    await new Promise((r) => setTimeout(r, 700)); // a few retries against the closed port
    expect((await call('GET', `/api/v1/channels/${res.body.id}`)).body.status).toBe('error');
    await tg.restart();
    const active = await waitFor(async () => {
      const now = await call('GET', `/api/v1/channels/${res.body.id}`);
      return now.body.status === 'active' ? now.body : undefined;
    }, 20_000, 'channel re-verified');
    expect(active).toMatchObject({ statusReason: null, revision: 2, settings: { botUsername: bot.username } });
    const second = await latestConfig(res.body.id, 2);
    expect(second.envelope.data).toMatchObject({ status: 'active', revision: 2 });
    expect(second.raw.toString()).not.toContain(bot.token);
  });

  it('treats a Telegram 5xx like an outage (status error), not as a rejected token', async () => {
    const bot = newBot();
    tg.failNext('getMe', { kind: 'server-error', status: 502 }, { token: bot.token, times: 1 });
    const res = await call('POST', '/api/v1/channels', { name: 'Бот 502', type: 'telegram', settings: { botToken: bot.token } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'error', statusReason: 'PLATFORM_UNAVAILABLE' });
    await waitFor(async () => (await call('GET', `/api/v1/channels/${res.body.id}`)).body.status === 'active', 20_000, 'recovered after 502');
  });

  it('updates, deactivates, activates and deletes, bumping the revision and publishing each change (tombstone last)', async () => {
    const { channel } = created.get('telegram:true');
    const renamed = await call('PATCH', `/api/v1/channels/${channel.id}`, { name: 'Переименован', routing: { createLeadOnFirstMessage: false }, settings: { botToken: channel.settings.botToken } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Переименован', revision: 2, status: 'active', routing: { funnelId: funnel.id, createLeadOnFirstMessage: false, findExistingLead: true } });
    expect(tg.callsOf('getMe').filter((c) => c.token === created.get('telegram:true').settings.botToken)).toHaveLength(1); // masked echo: no new check

    const newToken = newBot();
    const rejectedPatch = await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { botToken: `${newToken.id}:${'C'.repeat(35)}` } });
    expect(rejectedPatch.status).toBe(422);
    const changed = await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { botToken: newToken.token } });
    expect(changed.body).toMatchObject({ revision: 3, settings: { botId: String(newToken.id), botUsername: newToken.username } });
    const typeChange = await call('PATCH', `/api/v1/channels/${channel.id}`, { type: 'vk' });
    expect(typeChange.status).toBe(400);

    const off = await call('POST', `/api/v1/channels/${channel.id}/deactivate`);
    expect(off.body).toMatchObject({ status: 'inactive', revision: 4 });
    expect((await latestConfig(channel.id, 4)).envelope.data.status).toBe('inactive');
    const on = await call('POST', `/api/v1/channels/${channel.id}/activate`);
    expect(on.body).toMatchObject({ status: 'active', revision: 5 });
    const latest = await latestConfig(channel.id, 5);
    expect(decryptJson(latest.envelope.data.encryptedSecrets!, key)).toEqual({ botToken: newToken.token });

    const removed = await call('DELETE', `/api/v1/channels/${channel.id}`);
    expect(removed.status).toBe(204);
    expect((await call('GET', `/api/v1/channels/${channel.id}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/channels')).body.items.map((c: any) => c.id)).not.toContain(channel.id);
    await outboxDrained();
    const mine = (await readTopic(configTopic())).filter((r) => r.key === channel.id);
    expect(mine[mine.length - 1]).toMatchObject({ value: null, headers: { 'x-event-type': 'channel.config' } });
    expect(mine.slice(0, -1).map((r) => decodeEnvelope(r.value!, ChannelConfigData).data.revision)).toEqual([1, 2, 3, 4, 5]);
    // The same bot can be connected again once its channel is deleted.
    expect((await call('POST', '/api/v1/channels', { name: 'Снова', type: 'telegram', settings: { botToken: newToken.token } })).status).toBe(201);
  });

  it('activating a channel of an unavailable type answers 422 and leaves it inactive; once available, activation runs the real check', async () => {
    // As the migration leaves a channel saved before its type was marked unavailable.
    const [{ id: parked }] = await api.dataSource.query(
      `INSERT INTO channels (account_id, type, name, status, status_reason, settings) VALUES ($1, 'whatsapp', 'Старый WhatsApp', 'inactive', 'CHANNEL_TYPE_UNAVAILABLE', '{"phoneNumberId":"106540352242999"}') RETURNING id`,
      [accountId],
    );
    // WhatsApp is available now (issue 11): marked unavailable here to keep covering a parked channel of such a type.
    const parkedRestore = overrideAvailability(api.service.app, { channelTypes: { whatsapp: false } });
    let refused;
    try {
      refused = await call('POST', `/api/v1/channels/${parked}/activate`);
    } finally {
      parkedRestore();
    }
    expect(refused.body).toMatchObject({ statusCode: 422, code: 'CHANNEL_TYPE_UNAVAILABLE', message: expect.stringContaining('WhatsApp') });
    expect((await call('GET', `/api/v1/channels/${parked}`)).body).toMatchObject({ status: 'inactive', statusReason: 'CHANNEL_TYPE_UNAVAILABLE', revision: 1 });

    // The same path for a type whose flag flips: a Telegram channel, switched off, while Telegram is marked unavailable.
    const bot = newBot();
    const channel = (await call('POST', '/api/v1/channels', { name: 'Бот на паузе', type: 'telegram', settings: { botToken: bot.token } })).body;
    expect((await call('POST', `/api/v1/channels/${channel.id}/deactivate`)).body).toMatchObject({ status: 'inactive', revision: 2 });
    const restore = overrideAvailability(api.service.app, { channelTypes: { telegram: false } });
    try {
      expect((await call('GET', '/api/v1/channel-types')).body.items.find((t: any) => t.type === 'telegram').available).toBe(false);
      expect((await call('POST', `/api/v1/channels/${channel.id}/activate`)).body).toMatchObject({ statusCode: 422, code: 'CHANNEL_TYPE_UNAVAILABLE' });
      expect((await call('POST', '/api/v1/channels', { name: 'Ещё бот', type: 'telegram', settings: { botToken: newBot().token } })).status).toBe(422);
    } finally {
      restore();
    }
    expect((await call('GET', `/api/v1/channels/${channel.id}`)).body).toMatchObject({ status: 'inactive', revision: 2 });
    expect(tg.callsOf('getMe', bot.token)).toHaveLength(1); // only the check on create
    const on = await call('POST', `/api/v1/channels/${channel.id}/activate`);
    expect(on.body).toMatchObject({ status: 'active', statusReason: null, revision: 3 });
    expect(tg.callsOf('getMe', bot.token)).toHaveLength(2); // activation asked Telegram again
  });

  it('applies connector health reports from channels.status.v1 and ignores other event types there', async () => {
    const { channel } = created.get('vk:false');
    const connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'health-test', topicPrefix: api.env.KAFKA_TOPIC_PREFIX! });
    const producer = new EventProducer(connection);
    await producer.connect();
    const send = async (type: 'channel.health' | 'message.status', data: object) => {
      const envelope = createEnvelope(type as 'channel.health', data as ChannelHealthData, { accountId, channelId: channel.id });
      await producer.send(Topics.ChannelsStatus, [{ key: channel.id, value: encodeEnvelope(envelope), headers: { 'x-event-type': type, 'x-correlation-id': envelope.id } }]);
    };
    try {
      const status: MessageStatusData = { messageId: randomUUID(), externalChatId: '1', status: 'delivered', at: new Date().toISOString() };
      await send('message.status', status);
      await send('channel.health', { status: 'needs-reauth', causeCode: 'VK_TOKEN_REVOKED', message: 'User authorization failed', at: new Date().toISOString() });
      const broken = await waitFor(async () => {
        const c = (await call('GET', '/api/v1/channels')).body.items.find((x: any) => x.id === channel.id);
        return c.status === 'error' ? c : undefined;
      }, 20_000, 'health applied');
      expect(broken).toMatchObject({ statusReason: 'VK_TOKEN_REVOKED', health: { status: 'needs-reauth', causeCode: 'VK_TOKEN_REVOKED', message: 'User authorization failed' }, revision: 2 });
      expect((await latestConfig(channel.id, 2)).envelope.data.status).toBe('error');

      await send('channel.health', { status: 'degraded', causeCode: 'SLOW', at: new Date().toISOString() });
      await waitFor(async () => (await call('GET', `/api/v1/channels/${channel.id}`)).body.health.status === 'degraded', 20_000, 'degraded recorded');
      expect((await call('GET', `/api/v1/channels/${channel.id}`)).body).toMatchObject({ status: 'error', revision: 2 });

      await send('channel.health', { status: 'active', at: new Date().toISOString() });
      const healed = await waitFor(async () => {
        const c = (await call('GET', `/api/v1/channels/${channel.id}`)).body;
        return c.status === 'active' ? c : undefined;
      }, 20_000, 'recovery applied');
      expect(healed).toMatchObject({ statusReason: null, health: { status: 'active', causeCode: null }, revision: 3 });
      expect((await latestConfig(channel.id, 3)).envelope.data.status).toBe('active');
      // A stale report (older than the last one) changes nothing.
      await send('channel.health', { status: 'disconnected', at: new Date(Date.now() - 3_600_000).toISOString() });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await call('GET', `/api/v1/channels/${channel.id}`)).body).toMatchObject({ status: 'active', revision: 3 });
      const dlq = await readTopic(`${api.env.KAFKA_TOPIC_PREFIX}${Topics.ChannelsStatus}.dlq.v1`);
      expect(dlq).toHaveLength(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('never returned a secret in any response and never logged one', () => {
    expect(responses.length).toBeGreaterThan(40);
    expect(secrets.length).toBeGreaterThan(15);
    const everything = [...responses, ...api.logs].join('\n');
    for (const s of secrets) expect(everything).not.toContain(s);
  });
});
