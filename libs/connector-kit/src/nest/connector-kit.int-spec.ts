import { randomBytes, randomUUID } from 'node:crypto';
import { DynamicModule, Injectable, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Pool } from 'pg';
import { BaseServiceConfig, WithSecretsKey } from '@crm/config';
import type { OutboundMessageData } from '@crm/contracts';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { type RunningService, type ServiceDefinition, ServiceKitModule, startService } from '@crm/service-kit';
import { freePort, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { secretsEqual } from '../core/webhook/secret-compare';
import type { ChannelSecrets, ChannelStatePort, ConnectorChannel } from '../ports/channel-state.port';
import type { CallFailure, DeliveryContext, DeliveryResult, OutboundPort } from '../ports/outbound.port';
import { type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResult } from '../ports/webhook.port';
import { ConnectorTestKit } from '../testing/connector-test-kit';
import { attachConnectorWebhooks, connectorKitControllers, connectorKitProviders } from './connector-kit.providers';
import type { ConnectorKitOptions } from './connector-kit.options';

// The kit on its own, as a made-up "vk"-typed connector whose ports are in this file: real Kafka and Postgres, no
// platform. What Telegram's suite does not cover: a platform with an idempotency key (delivered again after a
// restart instead of SEND_OUTCOME_UNKNOWN), an interrupted send released, the webhook plumbing as a contract.

interface TestChannel extends ConnectorChannel {
  token: string;
  secret: string;
}

/** What the fake platform received: one entry per call. */
const platformCalls: Array<{ messageId: string; key: string; attempt: number; text: string }> = [];
let failNextSend: (() => Error) | undefined;

@Injectable()
class TestChannelState implements ChannelStatePort<TestChannel> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets): TestChannel {
    if (typeof secrets.credentials.token !== 'string') throw new Error('no token');
    return { ...base, token: secrets.credentials.token, secret: secrets.webhookSecret ?? '' };
  }
}

@Injectable()
class TestWebhook implements WebhookPort<TestChannel> {
  readonly bodyLimitBytes = 1024;

  authenticate(channel: TestChannel, request: WebhookRequest): WebhookAuth {
    return secretsEqual(channel.secret, request.headers['x-secret']) ? { ok: true } : { ok: false, status: 403, reason: 'bad secret' };
  }

  async handle(channel: TestChannel, request: WebhookRequest): Promise<WebhookResult> {
    let body: { id?: string; chat?: string; text?: string; confirm?: boolean };
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejection(400, 'VALIDATION_FAILED', 'not JSON');
    }
    if (body.confirm) return { response: { status: 200, body: 'confirmation-code' } };
    return {
      inbound: [
        {
          channelType: 'vk',
          externalMessageId: body.id!,
          externalChatId: body.chat!,
          sender: { externalUserId: body.chat! },
          kind: 'text',
          text: body.text!,
          attachments: [],
          event: 'new',
          sentAt: new Date().toISOString(),
        },
      ],
    };
  }
}

@Injectable()
class TestOutbound implements OutboundPort<TestChannel> {
  readonly idempotency = 'key' as const;
  readonly limits = { channelPerSecond: 100, channelBurst: 100, chatPerSecond: 100, chatBurst: 100 };

  classifyFailure(err: unknown): CallFailure {
    return { action: 'fail', errorCode: 'TEST_FAILED', description: (err as Error).message };
  }

  async deliver(_channel: TestChannel, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    const failure = failNextSend;
    failNextSend = undefined;
    const sent = await ctx.call(async () => {
      platformCalls.push({ messageId: message.messageId, key: ctx.idempotencyKey, attempt: ctx.attempt, text: message.text });
      if (failure) throw failure();
      return platformCalls.length;
    });
    return sent.ok ? { status: 'sent', externalMessageId: `m-${sent.value}` } : { status: 'failed', errorCode: sent.errorCode, errorMessage: sent.description };
  }
}

class TestConnectorConfig extends WithSecretsKey(BaseServiceConfig) {}

const CONNECTOR_KIT: ConnectorKitOptions<TestConnectorConfig, TestChannel> = {
  channelType: 'vk',
  settings: (c) => ({ secretsKey: c.SECRETS_KEY!, produceTimeoutMs: 2000, sendRetryWindowMs: 1000 }),
  channelState: TestChannelState,
  webhook: TestWebhook,
  outbound: TestOutbound,
};

@Module({})
class TestConnectorModule {
  static forRoot(config: TestConnectorConfig, logger: Logger): DynamicModule {
    return {
      module: TestConnectorModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-kit-test', config, logger })],
      controllers: connectorKitControllers(CONNECTOR_KIT, config),
      providers: [
        ...connectorKitProviders(CONNECTOR_KIT),
      ],
    };
  }
}

const definition: ServiceDefinition<TestConnectorConfig> = {
  service: 'connector-kit-test',
  configClass: TestConnectorConfig,
  module: (config, logger) => TestConnectorModule.forRoot(config, logger),
  configure: (app) => attachConnectorWebhooks(app),
};

describe('connector kit (real Kafka + Postgres, ports of a made-up connector)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  const accountId = randomUUID();
  const channelId = randomUUID();
  let db: TestDatabase;
  let pool: Pool;
  let kit: ConnectorTestKit;
  let service: RunningService<TestConnectorConfig>;
  let url: string;

  const call = (body: unknown, headers: Record<string, string> = { 'x-secret': 'callback-secret' }, id = channelId) =>
    fetch(`${url}/webhooks/vk/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const statusOf = (messageId: string) => waitFor(() => kit.statuses('message.status', channelId).find((r) => r.value.data.messageId === messageId), 10_000, `status of ${messageId}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection cut by the server (the database dropped at the end): the next query opens another
    const prefix = uniqueTopicPrefix('kit');
    kit = await ConnectorTestKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    await kit.publishChannel({ channelId, accountId, type: 'vk', credentials: { token: 'vk-token' }, webhookSecret: 'callback-secret' });
    // Another type's channel on the same topic: never applied by this connector.
    await kit.publishChannel({ channelId: randomUUID(), accountId, type: 'telegram', credentials: {} });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = await startService(definition, {
      env: { DATABASE_URL: db.url, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_PREFIX: prefix, SECRETS_KEY: secretsKey, LOG_LEVEL: 'error', PORT: String(port) },
      handleSignals: false,
    });
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await kit?.close();
    await pool?.end();
    await db?.drop();
  });

  it('webhook: an authentic call is on Kafka before the 200; answer-only results, 400, 404 and 413 produce nothing', async () => {
    const ok = await call({ id: 'm-1', chat: 'peer-1', text: 'привет' });
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
    const record = await waitFor(() => kit.inbound(channelId).find((r) => r.value.data.externalMessageId === 'm-1'), 5000);
    expect(record.key).toBe(`${channelId}:peer-1`);
    const confirm = await call({ confirm: true });
    expect([confirm.status, confirm.headers.get('content-type'), await confirm.text()]).toEqual([200, 'text/plain; charset=utf-8', 'confirmation-code']);
    expect((await call('{nope')).status).toBe(400);
    expect((await call({ id: 'x' }, undefined, randomUUID())).status).toBe(404);
    expect((await call({ id: 'm-2', chat: 'peer-1', text: 'x'.repeat(2000) })).status).toBe(413);
    await new Promise((r) => setTimeout(r, 300));
    expect(kit.inbound(channelId).map((r) => r.value.data.externalMessageId)).toEqual(['m-1']);
  });

  it('webhook: a rejected secret answers the port status, is counted per channel and degrades the channel until an authentic call', async () => {
    const before = kit.statuses('channel.health', channelId).length;
    expect((await call({ id: 'm-3', chat: 'peer-1', text: 'x' }, { 'x-secret': 'wrong' })).status).toBe(403);
    const degraded = await waitFor(() => kit.statuses('channel.health', channelId).slice(before).find((r) => r.value.data.status === 'degraded'), 5000, 'degraded');
    expect(degraded.value.data).toMatchObject({ causeCode: 'SIGNATURE_REJECTED' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`crm_connector_webhook_rejected_total\\{channel_type="vk",channel_id="${channelId}"\\} 1`));
    expect((await call({ id: 'm-4', chat: 'peer-1', text: 'ok' })).status).toBe(200);
    await waitFor(() => kit.statuses('channel.health', channelId).slice(before).find((r) => r.value.data.status === 'active'), 5000, 'active again');
  });

  it('outbound: sent with the idempotency key; another type is skipped; a redelivery is not sent again', async () => {
    const skipped = await kit.publishOutbound({ accountId, channelId }, { externalChatId: 'peer-2', text: 'not mine', channelType: 'telegram' });
    const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: 'peer-2', text: 'hello', channelType: 'vk' });
    expect((await statusOf(sent.messageId)).value.data).toMatchObject({ status: 'sent', externalMessageId: expect.stringMatching(/^m-\d+$/) });
    await kit.publishOutbound({ accountId, channelId }, { ...sent });
    const later = await kit.publishOutbound({ accountId, channelId }, { externalChatId: 'peer-2', text: 'after', channelType: 'vk' });
    await statusOf(later.messageId);
    expect(platformCalls.filter((c) => c.messageId === sent.messageId)).toEqual([{ messageId: sent.messageId, key: sent.messageId, attempt: 1, text: 'hello' }]);
    expect(platformCalls.some((c) => c.messageId === skipped.messageId)).toBe(false);
  });

  it('outbound with an idempotency key: a send found in progress is delivered again with the same key (attempt 2)', async () => {
    const messageId = randomUUID();
    await pool.query(`INSERT INTO outbound_deliveries (account_id, message_id, channel_id, channel_type, state) VALUES ($1, $2, $3, 'vk', 'sending')`, [accountId, messageId, channelId]);
    await kit.publishOutbound({ accountId, channelId }, { messageId, externalChatId: 'peer-3', text: 'again', channelType: 'vk' });
    expect((await statusOf(messageId)).value.data.status).toBe('sent');
    expect(platformCalls.filter((c) => c.messageId === messageId)).toEqual([{ messageId, key: messageId, attempt: 2, text: 'again' }]);
  });

  it('outbound: a final platform failure is reported failed with its code and recorded once', async () => {
    failNextSend = () => new Error('user blocked us');
    const sent = await kit.publishOutbound({ accountId, channelId }, { externalChatId: 'peer-4', text: 'nope', channelType: 'vk' });
    expect((await statusOf(sent.messageId)).value.data).toMatchObject({ status: 'failed', errorCode: 'TEST_FAILED', errorMessage: 'user blocked us' });
    const { rows } = await pool.query(`SELECT state, outcome->>'errorCode' AS code FROM outbound_deliveries WHERE message_id = $1`, [sent.messageId]);
    expect(rows).toEqual([{ state: 'done', code: 'TEST_FAILED' }]);
  });
});
