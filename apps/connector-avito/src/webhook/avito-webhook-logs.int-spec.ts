import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Pool } from 'pg';
import { ConnectorTestKit, startConnector } from '@crm/connector-kit';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import type { RunningService } from '@crm/service-kit';
import { FakeAvitoServer, freePort, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import type { ConnectorAvitoConfig } from '../config/connector-avito.config';
import { connectorAvitoService } from '../connector-avito.service-definition';

// Avito's webhook URL carries the channel's secret (`/webhooks/avito/:channelId/:hookSecret`). Everything the connector
// writes — every log line at debug level, every channel.health record — while Avito refuses the subscription with an
// error that echoes the URL and while webhooks arrive with the right secret, a wrong one and a broken body, holds the
// path only up to the channel id.
describe('connector-avito: the hook secret of the webhook URL is never logged or published', () => {
  const secretsKey = randomBytes(32).toString('base64');
  const accountId = randomUUID();
  const channelId = randomUUID();
  const hookSecret = `${randomBytes(18).toString('base64url')}~.`;
  const wrongSecret = randomBytes(18).toString('base64url');
  const output: string[] = [];
  let avito: FakeAvitoServer;
  let db: TestDatabase;
  let pool: Pool;
  let kit: ConnectorTestKit;
  let service: RunningService<ConnectorAvitoConfig>;
  let url: string;

  beforeAll(async () => {
    avito = await FakeAvitoServer.start();
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
    await pool.query(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    await pool.query(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'avito', 'Авито', 'active')`, [channelId, accountId]);
    const prefix = uniqueTopicPrefix('avito-logs');
    kit = await ConnectorTestKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    ({ service, url } = await startConnector(connectorAvitoService, {
      kit,
      databaseUrl: db.url,
      port: await freePort(),
      env: { AVITO_API_URL: avito.baseUrl, AVITO_HEALTH_INTERVAL_MS: '1000', LOG_LEVEL: 'debug' },
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          output.push(String(chunk));
          done();
        },
      }),
    }));
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await kit?.close();
    await avito?.close();
    await pool?.end();
    await db?.drop();
  });

  it('logs webhook calls and a refused subscription without the secret; channel.health carries none either', async () => {
    const account = avito.addAccount({ name: 'Велосипеды' });
    const hookUrl = (secret: string) => `${url}/webhooks/avito/${channelId}/${encodeURIComponent(secret)}`;
    avito.failNext('subscribe', { kind: 'reply', reply: { status: 400, json: { error: { code: 400, message: `url ${hookUrl(hookSecret)} is not reachable` } } } });
    await kit.publishChannel({
      channelId,
      accountId,
      type: 'avito',
      name: 'Авито',
      status: 'active',
      revision: 1,
      settings: { clientId: account.clientId, userId: account.userId },
      credentials: { clientSecret: account.clientSecret },
      webhookSecret: hookSecret,
    });
    const health = (status: string) => () => kit.statuses('channel.health', channelId).find((r) => r.value.data.status === status);
    const refused = await waitFor(health('degraded'), 20_000, 'the refused subscription reported');
    expect(refused.value.data.message).toContain(`/webhooks/avito/${channelId}/[redacted]`);
    await waitFor(health('active'), 20_000, 'subscribed on the next health check');

    avito.addChat(account, { chatId: 'u2u-logs', client: { id: 42, name: 'Иван' } });
    const body = avito.webhookOf(account, { chatId: 'u2u-logs', type: 'text', id: 'm-logs-1', content: { text: 'Здравствуйте' } });
    expect((await avito.post(hookUrl(hookSecret), body)).status).toBe(200);
    expect((await avito.post(hookUrl(wrongSecret), body)).status).toBe(404);
    const broken = await fetch(hookUrl(hookSecret), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payload":' });
    expect(broken.status).toBe(400);

    const answered = await waitFor(() => {
      const lines = output.join('').split('\n').filter((l) => l.includes('"webhook call answered"'));
      return lines.length >= 3 ? lines.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
    }, 5_000, 'the debug lines of the three calls');
    expect(answered.map((l) => [l.path, l.status])).toEqual([
      [`/webhooks/avito/${channelId}/[redacted]`, 200],
      [`/webhooks/avito/${channelId}/[redacted]`, 404],
      [`/webhooks/avito/${channelId}/[redacted]`, 400],
    ]);
    const written = output.join('');
    expect(written).toContain('avito webhook could not be subscribed');
    for (const secret of [hookSecret, encodeURIComponent(hookSecret), wrongSecret, account.clientSecret]) {
      expect(written.includes(secret)).toBe(false);
      expect(JSON.stringify(kit.statuses('channel.health', channelId)).includes(secret)).toBe(false);
    }
  }, 60_000);
});
