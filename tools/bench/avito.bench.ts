// `npm run bench:avito` — the Avito webhook path under load, end to end on this machine (see
// webhook-load.bench-support.ts): load generator → public origin → connector-avito (chat info from the fake Avito API,
// cached per chat) → Kafka (acks=all) → lead-routing → Postgres.
// Open loop, one message per POST as Avito sends them: BENCH_RATE messages/s over BENCH_CHATS u2i chats (each about a
// listing) of BENCH_CHANNELS channels. Targets: everything accepted, server-side p99 ≤ 25 ms (Avito's limit is 2 s),
// stored p99 ≤ 250 ms, RSS ≤ 150 MB. The warm-up reaches every chat once (BENCH_WARMUP_S × BENCH_RATE ≥ BENCH_CHATS by
// default), so the measured window runs on cached chat info, as a steady state does.
//
// Knobs (env): BENCH_RATE (messages/s, 1000), BENCH_DURATION_S (20), BENCH_WARMUP_S (10), BENCH_CHATS (5000),
// BENCH_CHANNELS (5), BENCH_NODE_ARGS (extra node flags for the services).
// Infrastructure as `npm start`/`npm test`: KAFKA_BROKERS / DATABASE_URL when set, else a local broker and server.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeAvitoServer, type FakeAvitoAccount } from '@crm/testing';
import { say, until } from './bench-support';
import { runWebhookBench } from './webhook-load.bench-support';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RATE = env('BENCH_RATE', 1000);
const DURATION_S = env('BENCH_DURATION_S', 20);
const WARMUP_S = env('BENCH_WARMUP_S', 10);
const CHATS = env('BENCH_CHATS', 5000);
const CHANNELS = env('BENCH_CHANNELS', 5);

interface Channel {
  channelId: string;
  hookSecret: string;
  account: FakeAvitoAccount;
}

runWebhookBench({
  type: 'avito',
  title: `Avito webhook benchmark: ${RATE} messages/s, one per POST, for ${DURATION_S} s (+${WARMUP_S} s warm-up), ${CHATS} chats, ${CHANNELS} channels`,
  postsPerSecond: RATE,
  durationS: DURATION_S,
  warmupS: WARMUP_S,
  async setup({ kit, db, accountId, cleanups }) {
    const avito = await FakeAvitoServer.start();
    cleanups.push(() => avito.close());
    const channels: Channel[] = [];
    for (let i = 0; i < CHANNELS; i++) {
      const channelId = randomUUID();
      const account = avito.addAccount({ name: `Bench seller ${i}` });
      const hookSecret = randomBytes(24).toString('base64url');
      await db.query(
        `INSERT INTO channels (id, account_id, type, name, status, create_client_on_first_message, create_lead_on_first_message) VALUES ($1, $2, 'avito', $3, 'active', true, true)`,
        [channelId, accountId, `bench avito ${i}`],
      );
      await kit.publishChannel({ channelId, accountId, type: 'avito', settings: { clientId: account.clientId, userId: account.userId }, credentials: { clientSecret: account.clientSecret }, webhookSecret: hookSecret });
      channels.push({ channelId, hookSecret, account });
    }
    const chatOf = (n: number) => ({ channel: channels[n % channels.length], chatId: `u2i-bench-${n % CHATS}` });
    for (let n = 0; n < CHATS; n++) {
      const { channel, chatId } = chatOf(n);
      avito.addChat(channel.account, { chatId, item: { id: 4_000_000_000 + n, title: `Велосипед №${n}`, price: '12 000 ₽' }, client: { id: 100_000_000 + n, name: `Покупатель ${n}` } });
    }
    const run = randomBytes(3).toString('hex');
    const hookPath = (c: Channel) => `/webhooks/avito/${c.channelId}/${c.hookSecret}`;
    return {
      connectorEnv: { AVITO_API_URL: avito.baseUrl, AVITO_HEALTH_INTERVAL_MS: '3600000' },
      async ready(publicUrl) {
        // The registry is loaded when a channel's webhook stops answering 503; every channel subscribed.
        await until(async () => ((await fetch(`${publicUrl}${hookPath(channels[0])}`, { method: 'POST', body: '{}' })).status !== 503) || undefined, 30_000, 'the channel registry');
        await until(() => channels.every((c) => avito.subscriptionsOf(c.account).includes(`${publicUrl}${hookPath(c)}`)) || undefined, 30_000, 'every channel subscribed');
      },
      post(seq) {
        const { channel, chatId } = chatOf(seq);
        const id = `bench-${run}-${seq}`;
        const body = JSON.stringify(avito.webhookOf(channel.account, { chatId, type: 'text', id, content: { text: `Здравствуйте! Вопрос ${seq}: ещё продаётся?` } }));
        return { path: hookPath(channel), headers: { 'content-type': 'application/json' }, body, messageIds: [id] };
      },
      async extras(client, account) {
        const titled = (await client.query(`SELECT count(*)::int AS n FROM leads WHERE account_id = $1 AND title LIKE 'Avito: %'`, [account])).rows[0] as { n: number };
        return { chats: CHATS, channels: CHANNELS, chatInfoCalls: avito.callsOf('chatInfo').length, tokenCalls: avito.callsOf('token').length, leadsTitledWithListing: titled.n };
      },
    };
  },
}).catch((err: unknown) => {
  say(`bench:avito failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
