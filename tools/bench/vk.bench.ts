// `npm run bench:vk` — the VK Callback API path under load, end to end on this machine (see
// webhook-load.bench-support.ts): load generator (VK's Callback sender) → public origin → connector-vk (senders' names
// from users.get of the fake VK API, gathered per community and cached) → Kafka (acks=all) → lead-routing → Postgres.
// Open loop, one message_new event per POST as VK sends them: BENCH_RATE events/s from BENCH_SENDERS users over
// BENCH_COMMUNITIES communities. Targets (as WhatsApp's): everything accepted, server-side p99 ≤ 25 ms, stored
// p99 ≤ 250 ms, RSS ≤ 150 MB. The warm-up reaches every sender once (BENCH_WARMUP_S × BENCH_RATE ≥ BENCH_SENDERS by
// default), so the measured window runs on cached names, as a steady state does.
//
// Knobs (env): BENCH_RATE (events/s, 1000), BENCH_DURATION_S (20), BENCH_WARMUP_S (10), BENCH_SENDERS (5000),
// BENCH_COMMUNITIES (5), BENCH_NODE_ARGS (extra node flags for the services).
// Infrastructure as `npm start`/`npm test`: KAFKA_BROKERS / DATABASE_URL when set, else a local broker and server.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeVkServer, type FakeVkCommunity } from '@crm/testing';
import { say, until } from './bench-support';
import { runWebhookBench } from './webhook-load.bench-support';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RATE = env('BENCH_RATE', 1000);
const DURATION_S = env('BENCH_DURATION_S', 20);
const WARMUP_S = env('BENCH_WARMUP_S', 10);
const SENDERS = env('BENCH_SENDERS', 5000);
const COMMUNITIES = env('BENCH_COMMUNITIES', 5);

interface Channel {
  channelId: string;
  community: FakeVkCommunity;
  secret: string;
}

runWebhookBench({
  type: 'vk',
  title: `VK Callback API benchmark: ${RATE} message_new events/s, one per POST, for ${DURATION_S} s (+${WARMUP_S} s warm-up), ${SENDERS} senders, ${COMMUNITIES} communities`,
  postsPerSecond: RATE,
  durationS: DURATION_S,
  warmupS: WARMUP_S,
  async setup({ kit, db, accountId, cleanups }) {
    // users.get is the only VK call on this path; the fake keeps VK's community limit (20 calls/s).
    const vk = await FakeVkServer.start();
    cleanups.push(() => vk.close());
    const users = Array.from({ length: SENDERS }, (_, i) => vk.addUser({ firstName: 'Покупатель', lastName: String(i) }));
    const channels: Channel[] = [];
    for (let i = 0; i < COMMUNITIES; i++) {
      const channelId = randomUUID();
      const community = vk.addCommunity({ name: `Bench community ${i}` });
      const secret = randomBytes(18).toString('hex');
      await db.query(
        `INSERT INTO channels (id, account_id, type, name, status, create_client_on_first_message, create_lead_on_first_message) VALUES ($1, $2, 'vk', $3, 'active', true, true)`,
        [channelId, accountId, `bench vk ${i}`],
      );
      await kit.publishChannel({ channelId, accountId, type: 'vk', settings: { groupId: community.groupId, callbackConfirmationCode: community.confirmationCode }, credentials: { accessToken: community.token }, webhookSecret: secret });
      channels.push({ channelId, community, secret });
    }
    const hookPath = (c: Channel) => `/webhooks/vk/${c.channelId}`;
    return {
      connectorEnv: { VK_API_URL: vk.apiUrl, VK_HEALTH_INTERVAL_MS: '3600000' },
      async ready(publicUrl) {
        // The registry is loaded when VK's confirmation call gets the confirmation string.
        const first = channels[0];
        await until(async () => ((await vk.deliver(`${publicUrl}${hookPath(first)}`, vk.confirmation(first.community, first.secret))).body === first.community.confirmationCode) || undefined, 30_000, 'the channel registry');
      },
      post(seq) {
        const channel = channels[seq % channels.length];
        const event = vk.messageNew(channel.community, channel.secret, { from_id: users[seq % users.length].id, text: `Здравствуйте! Вопрос ${seq}: когда будет доставка заказа?` });
        const id = String((event.object as { message: { id: number } }).message.id);
        return { path: hookPath(channel), headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), messageIds: [id] };
      },
      async extras(client, account) {
        const named = (await client.query(`SELECT count(*)::int AS n FROM client_identities WHERE account_id = $1 AND display_name IS NOT NULL`, [account])).rows[0] as { n: number };
        return { senders: SENDERS, communities: COMMUNITIES, usersGetCalls: vk.callsOf('users.get').length, usersGetRateLimited: vk.callsOf('users.get').filter((c) => c.errorCode === 6).length, identitiesWithName: named.n };
      },
    };
  },
}).catch((err: unknown) => {
  say(`bench:vk failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
