import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readTopic, repoRoot, waitFor } from '@crm/testing';
import { LeadRoutingHarness } from '../testing/lead-routing-harness';
import { ServiceReadiness } from '@crm/service-kit';

// Failure modes of lead-routing with real Kafka and Postgres: the process killed mid-stream, and its database
// going away while messages keep arriving. Either way every message must end up stored exactly once — one row,
// one unread increment, one message.received event — and nothing may be dead-lettered.

const CHATS = 40;

async function expectExactlyOnce(h: LeadRoutingHarness, channelId: string, total: number): Promise<void> {
  const [stats] = await h.dataSource.query(
    `SELECT count(*)::int AS rows, count(DISTINCT external_id)::int AS distinct_ids FROM messages WHERE channel_id = $1`,
    [channelId],
  );
  expect(stats).toEqual({ rows: total, distinct_ids: total });
  const [dialogs] = await h.dataSource.query(`SELECT count(*)::int AS n, sum(unread_count)::int AS unread FROM dialogs WHERE channel_id = $1`, [channelId]);
  expect(dialogs).toEqual({ n: CHATS, unread: total });
  const events = await h.dataSource.query(
    `SELECT payload->'data'->>'kind' AS kind, count(*)::int AS n FROM outbox WHERE topic = 'crm.events.v1' AND payload->>'channelId' = $1 GROUP BY 1 ORDER BY 1`,
    [channelId],
  );
  expect(events).toEqual([
    { kind: 'client.created', n: CHATS },
    { kind: 'dialog.opened', n: CHATS },
    { kind: 'lead.created', n: CHATS },
    { kind: 'message.received', n: total },
  ]);
  expect(await h.count(`SELECT 1 FROM clients WHERE account_id = (SELECT account_id FROM channels WHERE id = $1)`, [channelId])).toBe(CHATS);
  expect(await h.count(`SELECT 1 FROM leads WHERE channel_id = $1`, [channelId])).toBe(CHATS);
}

function messages(h: LeadRoutingHarness, accountId: string, channelId: string, from: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return h.inbound(accountId, channelId, {
      externalChatId: `chat-${i % CHATS}`,
      externalMessageId: `m-${i}`,
      text: `message ${i}`,
      sender: { externalUserId: `u-${i % CHATS}`, displayName: `Клиент ${i % CHATS}`, phone: `+7901${String(i % CHATS).padStart(7, '0')}` },
    });
  });
}

describe('lead-routing under failure (real Kafka and Postgres)', () => {
  it('SIGKILL mid-stream, restart: every message is stored exactly once', async () => {
    const h = await LeadRoutingHarness.create({ ROUTING_BATCH_SIZE: '25' });
    const children: ChildProcess[] = [];
    try {
      const accountId = await h.account();
      const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true, autoMatchClient: true });
      const total = 4000;
      await h.produce(messages(h, accountId, channelId, 0, total));

      const root = repoRoot();
      const spawnService = () => {
        const child = spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(root, 'apps/lead-routing/src/main.ts')], {
          cwd: root,
          env: { ...process.env, ...h.env, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        children.push(child);
        return child;
      };
      const stored = () => h.count(`SELECT 1 FROM messages WHERE channel_id = $1`, [channelId]);

      const first = spawnService();
      await waitFor(async () => (await stored()) >= 300, 60_000, 'the first instance to store some messages');
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const atKill = await stored();
      expect(atKill).toBeLessThan(total); // really killed mid-stream

      const second = spawnService();
      await waitFor(async () => (await stored()) >= total, 120_000, 'every message after the restart');
      // Let the restarted instance finish whatever it had fetched: nothing more may appear.
      await new Promise((r) => setTimeout(r, 1000));
      second.kill('SIGTERM');
      const code = await new Promise((r) => second.once('exit', r));
      expect(code).toBe(0);
      await expectExactlyOnce(h, channelId, total);
      expect(await readTopic(h.connection.dlqTopic('channels.inbound.v1'), { timeoutMs: 500 })).toHaveLength(0);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await h.close();
    }
    // Two child services booting from TypeScript sources plus 4,000 messages: its inner waits (60 s + 120 s) bound it.
  }, 240_000);

  it('Postgres unavailable while consuming: the consumer pauses (no DLQ), then stores everything exactly once', async () => {
    const h = await LeadRoutingHarness.create({ ROUTING_BATCH_SIZE: '50' });
    try {
      const accountId = await h.account();
      const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true, autoMatchClient: true });
      await h.start();
      // The @EventPattern consumer's partitions, as /health/ready sees them.
      const readiness = h.service!.app.get(ServiceReadiness);
      const consumer = { get paused() { return readiness.consumers(Infinity).consumers.some((c) => c.paused.length > 0); } };

      await h.produce(messages(h, accountId, channelId, 0, 400));
      await h.waitForMessages(400, 30_000, 'channel_id = $1', [channelId]);

      // Only this test's database goes down (the server is shared): refuse new connections, drop the existing ones.
      await h.admin(async (c) => {
        await c.query(`ALTER DATABASE "${h.db.name}" ALLOW_CONNECTIONS false`);
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [h.db.name]);
      });
      let produced = 400;
      const downSince = Date.now();
      try {
        while (Date.now() - downSince < 4000) {
          await h.produce(messages(h, accountId, channelId, produced, 100));
          produced += 100;
          await new Promise((r) => setTimeout(r, 300));
        }
        await waitFor(() => consumer.paused, 10_000, 'the consumer to pause');
      } finally {
        await h.admin((c) => c.query(`ALTER DATABASE "${h.db.name}" ALLOW_CONNECTIONS true`));
      }
      await h.produce(messages(h, accountId, channelId, produced, 100));
      produced += 100;

      await h.waitForMessages(produced, 60_000, 'channel_id = $1', [channelId]);
      await waitFor(() => !consumer.paused, 20_000, 'the consumer to resume');
      await new Promise((r) => setTimeout(r, 500));
      await expectExactlyOnce(h, channelId, produced);
      expect(await readTopic(h.connection.dlqTopic('channels.inbound.v1'), { timeoutMs: 500 })).toHaveLength(0);
      expect(h.logs.some((l) => l.includes('infrastructure unavailable; partition paused'))).toBe(true);
    } finally {
      await h.admin((c) => c.query(`ALTER DATABASE "${h.db.name}" ALLOW_CONNECTIONS true`)).catch(() => undefined);
      await h.close();
    }
  });
});
