import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { KafkaConnection } from '@crm/messaging';
import { TELEGRAM_SEND_LIMITS } from '@crm/platform-telegram';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { FakeTelegramServer, freePort, repoRoot, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { TelegramKit } from './testing/telegram-test-kit';

const HEALTH_INTERVAL_MS = 1000;
const LEASE_TTL_MS = 3000;
const BOTS = 4;

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
}

/** Sends counted in the instance's own /metrics (each child process has its own registry). */
async function sentBy(instance: Instance): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('crm_connector_outbound_messages_total{') && l.includes('status="sent"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** The most calls within any window of `ms` (timestamps sorted). */
function maxInWindow(at: number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j] - at[i] >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

// Horizontal scale (issue 16): two connector-telegram processes on one Kafka, one Postgres and one Telegram (the
// fake). Webhook registration and health checks of a bot happen on one instance only — also after that instance is
// SIGKILLed (the other takes its leases over); a bot's send limit holds across both; restarts add no consumer group.
describe('connector-telegram: two instances (real Kafka + Postgres, fake Telegram, child processes)', () => {
  const secretsKey = randomBytes(32).toString('base64');
  const prefix = uniqueTopicPrefix('tg2');
  const accountId = randomUUID();
  let tg: FakeTelegramServer;
  let db: TestDatabase;
  let pool: Pool;
  let kit: TelegramKit;
  let connection: KafkaConnection;
  let publicUrl: string;
  const bots: Array<{ channelId: string; token: string }> = [];
  const instances: Instance[] = [];

  const sql = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  const callsPerBot = (method: string) => bots.map((b) => tg.callsOf(method, b.token).length);

  async function startInstance(name: string): Promise<Instance> {
    const port = await freePort();
    const root = repoRoot();
    const child = spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(root, 'apps/connector-telegram/src/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        SECRETS_KEY: secretsKey,
        // Both behind one public address (a load balancer in production).
        PUBLIC_URL: publicUrl,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_HEALTH_INTERVAL_MS: String(HEALTH_INTERVAL_MS),
        TELEGRAM_LEASE_TTL_MS: String(LEASE_TTL_MS),
        // The outbound group's session is this + 30 s: a SIGKILLed member holds up the next join that long.
        TELEGRAM_SEND_RETRY_WINDOW_MS: '1000',
        LOG_LEVEL: 'warn',
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const instance = { name, port, child };
    instances.push(instance);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 90_000, `${name} ready`);
    return instance;
  }

  async function kill(instance: Instance, signal: NodeJS.Signals): Promise<void> {
    instances.splice(instances.indexOf(instance), 1);
    const exited = new Promise((r) => instance.child.once('exit', r));
    instance.child.kill(signal);
    await exited;
  }

  /** Holder of each bot's lease (`host:pid:random`). */
  const leaseHolders = async () => {
    const rows = await sql(`SELECT name, holder FROM leases WHERE expires_at > now() AND name LIKE 'connector:telegram:channel:%'`);
    return new Map(rows.map((r: { name: string; holder: string }) => [r.name.split(':').pop()!, r.holder]));
  };
  const pidOf = (holder: string) => Number(holder.split(':')[1]);

  const outboundGroupMembers = async () => {
    const admin = connection.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([connection.groupId('connector-telegram.outbound')]);
      return groups[0]?.members.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  };
  const consumerGroups = async () => {
    const admin = connection.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix)).sort();
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // an idle connection dropped by the server: the next query opens another
    await sql(`INSERT INTO accounts (id, name) VALUES ($1, 'Acme')`, [accountId]);
    kit = await TelegramKit.start({ brokers: testBrokers(), topicPrefix: prefix, secretsKey });
    await kit.watch();
    connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'tg2-test', topicPrefix: prefix });
    for (let i = 0; i < BOTS; i++) {
      const bot = { channelId: randomUUID(), token: tg.addBot({ username: `shop_${i}_bot` }).token };
      bots.push(bot);
      await sql(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'telegram', 'bot', 'active')`, [bot.channelId, accountId]);
      await kit.publishChannel({ channelId: bot.channelId, accountId, botToken: bot.token });
    }
    publicUrl = `http://127.0.0.1:${await freePort()}`;
    await Promise.all([startInstance('a'), startInstance('b')]);
  }, 180_000);

  afterAll(async () => {
    for (const instance of [...instances]) await kill(instance, 'SIGTERM');
    await kit?.close();
    await tg?.close();
    await pool?.end();
    await db?.drop();
  });

  it('each bot: setWebhook once at start, health checks (getWebhookInfo) at one instance`s pace, not two', async () => {
    await waitFor(() => callsPerBot('setWebhook').every((n) => n >= 1), 30_000, 'every webhook registered');
    await new Promise((r) => setTimeout(r, 2000));
    expect(callsPerBot('setWebhook')).toEqual(bots.map(() => 1)); // once, not once per instance
    const holders = await leaseHolders();
    expect(bots.every((b) => holders.has(b.channelId))).toBe(true);
    const pids = new Set([...holders.values()].map(pidOf));
    expect([...pids].every((pid) => instances.some((i) => i.child.pid === pid))).toBe(true);

    tg.clearCalls();
    const windowMs = 5000;
    await new Promise((r) => setTimeout(r, windowMs));
    expect(callsPerBot('setWebhook')).toEqual(bots.map(() => 0)); // and not again
    // One instance probing every second makes ≈5 calls per bot in 5 s; both would make ≈10.
    for (const n of callsPerBot('getWebhookInfo')) {
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(windowMs / HEALTH_INTERVAL_MS + 1);
    }
  }, 60_000);

  it('a burst of replies to many chats of one bot, consumed by both instances: the bot`s limit holds across them', async () => {
    await waitFor(async () => (await outboundGroupMembers()) === 2, 60_000, 'both instances in the outbound group');
    const bot = bots[0];
    const total = 120;
    tg.clearCalls();
    const before = await Promise.all(instances.map(sentBy));
    // One reply per chat: the per-chat limit never waits, only the bot's does. Chats spread over the 6 partitions.
    await Promise.all(Array.from({ length: total }, (_, i) => kit.publishOutbound({ accountId, channelId: bot.channelId }, { externalChatId: String(7000 + i), text: `reply ${i}` })));
    await waitFor(() => tg.callsOf('sendMessage', bot.token).filter((c) => c.status === 200).length >= total, 60_000, 'every reply sent');
    const at = tg.callsOf('sendMessage', bot.token).map((c) => c.at.getTime()).sort((x, y) => x - y);
    expect(at).toHaveLength(total);

    const { channelPerSecond: rate, channelBurst: burst } = TELEGRAM_SEND_LIMITS;
    // The kit's limit: a burst, then `rate` per second. Doubled (each instance its own budget) the whole run would
    // take ≈1 s; shared it cannot take less than (total − burst) / rate = 3 s.
    expect(at[at.length - 1] - at[0]).toBeGreaterThanOrEqual(((total - burst) / rate) * 1000 * 0.9);
    // A window of w seconds holds at most burst + rate·w sends (two budgets would allow twice that); PLATFORMS.md's
    // ~30 messages per second per bot is the rate.
    // The fake sees when a call arrives, not the slot it was granted: a call that leaves its process late (a busy
    // machine, a slow event loop) lands in the window of the next slots, which leave on time. So the bound allows
    // calls up to 250 ms late (+1: a closed window holds one slot more) — still far below two budgets' 2·(burst + rate·w).
    const lateMs = 250;
    for (const seconds of [1, 2]) expect(maxInWindow(at, seconds * 1000)).toBeLessThanOrEqual(Math.floor(burst + rate * (seconds + lateMs / 1000)) + 1);
    // Both instances really sent a share (different partitions of channels.outbound.v1).
    // (Counted after the status is published, a moment after the call.)
    const sentNow = async () => (await Promise.all(instances.map(sentBy))).map((n, i) => n - before[i]);
    const sent = await waitFor(async () => {
      const now = await sentNow();
      return now.reduce((a, b) => a + b, 0) >= total ? now : undefined;
    }, 10_000, 'every send counted');
    expect(sent.reduce((a, b) => a + b, 0)).toBe(total);
    expect(sent.every((n) => n > 0)).toBe(true);
  }, 120_000);

  it('the lease holder SIGKILLed: the other instance takes its bots over — one setWebhook each, health checks go on once', async () => {
    const holders = await leaseHolders();
    const holderPid = pidOf(holders.get(bots[0].channelId)!);
    const holder = instances.find((i) => i.child.pid === holderPid)!;
    const survivor = instances.find((i) => i !== holder)!;
    tg.clearCalls();
    await kill(holder, 'SIGKILL');

    await waitFor(async () => {
      const now = await leaseHolders();
      return bots.every((b) => now.has(b.channelId) && pidOf(now.get(b.channelId)!) === survivor.child.pid);
    }, LEASE_TTL_MS * 4, 'the survivor holds every lease');
    // Its takeover reconciles each bot it did not hold: one setWebhook per bot the killed instance had.
    const takenOver = bots.map((b) => (pidOf(holders.get(b.channelId)!) === holderPid ? 1 : 0));
    await waitFor(() => callsPerBot('setWebhook').every((n, i) => n >= takenOver[i]), 10_000, 'webhooks re-registered');
    tg.clearCalls();
    await new Promise((r) => setTimeout(r, 4000));
    expect(callsPerBot('setWebhook')).toEqual(bots.map(() => 0));
    for (const n of callsPerBot('getWebhookInfo')) {
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4000 / HEALTH_INTERVAL_MS + 1);
    }

    // A bot added now is registered once, by the one instance left holding it.
    const added = { channelId: randomUUID(), token: tg.addBot({ username: 'late_bot' }).token };
    await kit.publishChannel({ channelId: added.channelId, accountId, botToken: added.token });
    await waitFor(() => tg.callsOf('setWebhook', added.token).length >= 1, 15_000, 'the new bot registered');
    await new Promise((r) => setTimeout(r, 1500));
    expect(tg.callsOf('setWebhook', added.token)).toHaveLength(1);
  }, 90_000);

  it('restarts (a SIGKILL, a SIGTERM, a new process) add no consumer group on the broker', async () => {
    // Per process: the shared outbound group plus one registry reader group per live instance (it replays the
    // compacted config topic); the killed instance's reader group is deleted by the next start once abandoned.
    const registryGroups = async () => (await consumerGroups()).filter((g) => g.startsWith(connection.groupId('connector-telegram.registry.')));
    const connectorGroups = async () => (await consumerGroups()).filter((g) => g.startsWith(connection.groupId('connector-')));
    const abandoned = async () => {
      const admin = connection.kafka.admin();
      await admin.connect();
      try {
        return (await admin.describeGroups(await registryGroups())).groups.filter((g) => g.members.length === 0).length;
      } finally {
        await admin.disconnect();
      }
    };
    await waitFor(async () => (await abandoned()) >= 1, 30_000, 'the killed instance`s reader group abandoned');
    await startInstance('c');
    expect(await registryGroups()).toHaveLength(instances.length);
    const stopped = instances[0];
    const heldBy = async (instance: Instance) => (await sql(`SELECT name FROM leases WHERE split_part(holder, ':', 2) = $1`, [String(instance.child.pid)])).length;
    expect(await heldBy(stopped)).toBe(BOTS + 1); // the survivor of the SIGKILL holds every bot
    await kill(stopped, 'SIGTERM');
    // A clean shutdown released its leases (deleted, not left to expire).
    expect(await heldBy(stopped)).toBe(0);
    expect(await connectorGroups()).toEqual([connection.groupId('connector-telegram.outbound'), ...(await registryGroups())].sort());
    expect(await registryGroups()).toHaveLength(1);
    // ... and the one instance left takes every bot over.
    const last = instances[0];
    await waitFor(async () => {
      const now = await leaseHolders();
      return bots.every((b) => pidOf(now.get(b.channelId) ?? '::') === last.child.pid);
    }, LEASE_TTL_MS * 2, 'the last instance holds every lease');
  }, 240_000);
});
