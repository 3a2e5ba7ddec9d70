import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { channelStateBuilder, type ChannelSecrets, type ConnectorChannel } from '@crm/connector-kit';
import { ChannelConfigData, decodeEnvelope, Topics } from '@crm/contracts';
import { encryptSecret, secretKeyId, secretKeyringFromEnv } from '@crm/secrets';
import { RunningService, startService } from '@crm/service-kit';
import { captureLogs, FakeBitrix24Server, FakeTelegramServer, jsonRequest, readTopic, waitFor } from '@crm/testing';
import { apiService } from '../../apps/api/src/api.service-definition';
import { overrideAvailability } from '../../apps/api/src/channel-types/testing/type-availability';
import type { ApiConfig } from '../../apps/api/src/config/api.config';
import { ApiHarness, startApiHarness } from '../../apps/api/src/testing/api-test-harness';
import { runRotateCli } from './rotate';

// Key rotation end to end (docs/secrets.md): channels and integrations saved by the api under k1 (the lone
// SECRETS_KEY, kid `legacy`), `secrets:rotate` with SECRETS_KEYS=k2(write),legacy:k1 → every ciphertext in the
// database carries k2 and the channels.config.v1 records the api's relay publishes carry k2; then an api with k2
// alone still reads every secret, a connector's state builder with k2 alone decodes every record, and a second run
// changes nothing. Real Postgres and Kafka; fakes only for Telegram and Bitrix24.
describe('npm run secrets:rotate', () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  let tg: FakeTelegramServer;
  let bitrix: FakeBitrix24Server;
  let api: ApiHarness;
  let second: RunningService<ApiConfig> | undefined;
  const ids = { channels: [] as Array<{ id: string; accountId: string; token: string }>, integrations: [] as Array<{ id: string; accountId: string }> };

  const q = (sql: string, params: unknown[] = []) => (second ?? api.service).app.get(DataSource).query(sql, params) as Promise<Array<Record<string, any>>>;
  const ciphertexts = async () => [
    ...(await q(`SELECT 'channels' AS t, id, secrets_encrypted AS a, webhook_secret_encrypted AS b FROM channels`)),
    ...(await q(`SELECT 'integrations' AS t, id, secrets_encrypted AS a, NULL AS b FROM integrations`)),
    ...(await q(`SELECT 'avito_access_tokens' AS t, channel_id AS id, token_ciphertext AS a, NULL AS b FROM avito_access_tokens`)),
  ].flatMap((r) => [r.a, r.b].filter((v): v is string => typeof v === 'string').map((v) => ({ table: r.t as string, id: r.id as string, value: v })));
  const outboxDrained = () => waitFor(async () => Number((await q(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`))[0].n) === 0, 20_000, 'outbox drained');
  const rotate = async (env: NodeJS.ProcessEnv, args: string[] = []) => {
    const out: string[] = [];
    const code = await runRotateCli(args, { DATABASE_URL: api.env.DATABASE_URL, ...env }, { out: (l) => out.push(l), err: (l) => out.push(l) });
    return { code, out: out.join('\n') };
  };

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    bitrix = await FakeBitrix24Server.start();
    api = await startApiHarness({ SECRETS_KEY: k1, TELEGRAM_API_ROOT: tg.apiRoot, CRM_ALLOW_LOOPBACK_URLS: 'true' });
    overrideAvailability(api.service.app, { integrationTypes: { bitrix24: true } });
    for (const name of ['A', 'B']) {
      const accountId = await api.createAccount(name);
      const token = api.token(accountId, 'admin');
      for (let i = 0; i < 2; i++) {
        const bot = tg.addBot({ username: `rot${name.toLowerCase()}${i}_bot`, firstName: 'Бот' });
        const res = await api.request('POST', '/api/v1/channels', { token, body: { name: `Бот ${name}${i}`, type: 'telegram', settings: { botToken: bot.token } } });
        expect(res.status).toBe(201);
        ids.channels.push({ id: res.body.id, accountId, token });
      }
      const widget = await api.request('POST', '/api/v1/channels', { token, body: { name: `Виджет ${name}`, type: 'widget', settings: { allowedOrigins: ['https://shop.example'] } } });
      expect(widget.status).toBe(201);
      const integration = await api.request('POST', '/api/v1/integrations', { token, body: { type: 'bitrix24', name: `B24 ${name}`, settings: { webhookUrl: bitrix.addWebhook().url } } });
      expect(integration.status).toBe(201);
      ids.integrations.push({ id: integration.body.id, accountId });
    }
    // connector-avito's shared token row (written by the connector, not the api), under k1 as well.
    const avitoChannel = ids.channels[0];
    await q(`INSERT INTO avito_access_tokens (channel_id, account_id, client_id, token_ciphertext, expires_at) VALUES ($1, $2, 'client', $3, now() + interval '1 hour')`, [
      avitoChannel.id, avitoChannel.accountId, encryptSecret('avito-access-token', Buffer.from(k1, 'base64')),
    ]);
    await outboxDrained();
  }, 120_000);

  afterAll(async () => {
    await (second ? second.close() : api?.service.close());
    await api?.db.drop();
    await tg?.close();
    await bitrix?.close();
  });

  it('starts with every value in the legacy format (v1, no key id)', async () => {
    const all = await ciphertexts();
    // 4 telegram channels × (credentials + webhook secret), 2 integrations, 1 avito token.
    expect(all.length).toBe(4 * 2 + 2 + 1);
    expect(all.every((c) => c.value.startsWith('v1.') && secretKeyId(c.value) === 'legacy')).toBe(true);
  });

  it('refuses to run with a ring that cannot read the values (counts them as failed) and changes nothing', async () => {
    const before = await ciphertexts();
    const res = await rotate({ SECRETS_KEYS: `k2:${k2}` });
    expect(res.code).toBe(1);
    expect(res.out).toContain('channels: 6 row(s) scanned, 0 re-encrypted, 2 already under "k2", 4 failed');
    expect(res.out).toMatch(/FAILED channels [0-9a-f-]{36} \(account [0-9a-f-]{36}\) secrets_encrypted: cannot decrypt secret: key "legacy" is not configured/);
    expect(res.out).not.toContain(k1);
    expect(await ciphertexts()).toEqual(before);
  });

  it('refuses a bad keyring at boot with exit code 2 and never prints a key', async () => {
    const res = await rotate({ SECRETS_KEYS: `k2:${k2},legacy:${k1}` });
    expect(res.code).toBe(2);
    expect(res.out).toMatch(/SECRETS_DERIVATION_KEY_ID is required/);
    expect(res.out).not.toContain(k1);
    expect(res.out).not.toContain(k2);
  });

  it('re-encrypts every value with the write key in batches and republishes every rotated channel through the outbox', async () => {
    const revisions = new Map((await q(`SELECT id, revision FROM channels`)).map((r) => [r.id as string, r.revision as number]));
    const res = await rotate({ SECRETS_KEYS: `k2:${k2},legacy:${k1}`, SECRETS_DERIVATION_KEY_ID: 'legacy' }, ['--batch-size=1']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('write key "k2", 2 account(s)');
    expect(res.out).toContain('channels: 6 row(s) scanned, 4 re-encrypted, 2 already under "k2", 0 failed');
    expect(res.out).toContain('integrations: 2 row(s) scanned, 2 re-encrypted, 0 already under "k2", 0 failed');
    expect(res.out).toContain('avito_access_tokens: 1 row(s) scanned, 1 re-encrypted');
    expect(res.out).toContain('4 record(s) enqueued');
    const all = await ciphertexts();
    expect(all.length).toBe(11);
    expect(all.filter((c) => secretKeyId(c.value) !== 'k2')).toEqual([]);
    expect(all.every((c) => c.value.startsWith('v2.k2.'))).toBe(true);
    for (const r of await q(`SELECT id, revision FROM channels WHERE secrets_encrypted IS NOT NULL`)) expect(r.revision).toBe(revisions.get(r.id)! + 1);

    await outboxDrained();
    const topic = `${api.env.KAFKA_TOPIC_PREFIX}${Topics.ChannelsConfig}`;
    const latest = await waitFor(async () => {
      const byKey = new Map<string, ChannelConfigData>();
      for (const r of await readTopic(topic)) if (r.value) byKey.set(r.key!, decodeEnvelope(r.value, ChannelConfigData).data);
      const rotated = ids.channels.map((c) => byKey.get(c.id));
      return rotated.every((d) => d && secretKeyId(d.encryptedSecrets!) === 'k2') ? rotated as ChannelConfigData[] : undefined;
    }, 20_000, 'rotated channels.config.v1 records');
    const stored = new Map((await q(`SELECT id, account_id, secrets_encrypted, webhook_secret_encrypted, revision FROM channels`)).map((r) => [r.id, r]));
    for (const data of latest) {
      const row = stored.get(data.channelId)!;
      // Tenant-safe: each record is the row of its own account, as stored.
      expect(data).toMatchObject({ accountId: row.account_id, encryptedSecrets: row.secrets_encrypted, webhookSecret: row.webhook_secret_encrypted, revision: row.revision });
      expect(secretKeyId(data.webhookSecret!)).toBe('k2');
    }

    // A connector holding k2 alone decodes every record (the kit's state builder, as connectors run it).
    const k2Only = { SECRETS_KEYS: `k2:${k2}` };
    const build = channelStateBuilder(secretKeyringFromEnv(k2Only), { resolve: (base: ConnectorChannel, s: ChannelSecrets) => ({ ...base, s }) });
    for (const data of latest) {
      const state = build(data) as unknown as { s: ChannelSecrets };
      expect(String(state.s.credentials.botToken)).toMatch(/^\d+:/);
      expect(state.s.webhookSecret).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  }, 60_000);

  it('with k2 alone the api still reads every secret, and a second run changes nothing', async () => {
    await api.service.close();
    const env = { ...api.env, SECRETS_KEY: undefined, SECRETS_KEYS: `k2:${k2}` };
    second = await startService(apiService, { env, logDestination: captureLogs().destination, handleSignals: false });
    for (const c of ids.channels) {
      const res = await jsonRequest(second.url, 'GET', `/api/v1/channels/${c.id}`, { token: c.token });
      expect(res.status).toBe(200);
      expect(res.body.settings.botToken).toMatch(/^••••/);
    }
    for (const i of ids.integrations) {
      const res = await jsonRequest(second.url, 'GET', `/api/v1/integrations/${i.id}`, { token: api.token(i.accountId, 'admin') });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('••••');
    }

    const before = await q(`SELECT id, secrets_encrypted, webhook_secret_encrypted, revision, updated_at FROM channels ORDER BY id`);
    const integrationsBefore = await q(`SELECT id, secrets_encrypted FROM integrations ORDER BY id`);
    const outboxBefore = Number((await q(`SELECT count(*) AS n FROM outbox`))[0].n);
    const res = await rotate({ SECRETS_KEYS: `k2:${k2}` });
    expect(res.code).toBe(0);
    expect(res.out).toContain('channels: 6 row(s) scanned, 0 re-encrypted, 6 already under "k2", 0 failed');
    expect(res.out).toContain('integrations: 2 row(s) scanned, 0 re-encrypted, 2 already under "k2", 0 failed');
    expect(res.out).toContain('0 record(s) enqueued');
    expect(await q(`SELECT id, secrets_encrypted, webhook_secret_encrypted, revision, updated_at FROM channels ORDER BY id`)).toEqual(before);
    expect(await q(`SELECT id, secrets_encrypted FROM integrations ORDER BY id`)).toEqual(integrationsBefore);
    expect(Number((await q(`SELECT count(*) AS n FROM outbox`))[0].n)).toBe(outboxBefore);

    // --republish-all re-enqueues every live channel's record without touching a row.
    const all = await rotate({ SECRETS_KEYS: `k2:${k2}` }, ['--republish-all']);
    expect(all.out).toContain('6 record(s) enqueued');
    expect(await q(`SELECT id, secrets_encrypted, webhook_secret_encrypted, revision, updated_at FROM channels ORDER BY id`)).toEqual(before);
  }, 60_000);
});
