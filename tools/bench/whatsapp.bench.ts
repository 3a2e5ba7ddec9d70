// `npm run bench:whatsapp` — the WhatsApp webhook path under load, end to end on this machine (see
// webhook-load.bench-support.ts): load generator → public origin → connector-whatsapp → Kafka (acks=all) →
// lead-routing → Postgres.
// Open loop (as Meta delivers: it does not wait for earlier POSTs): BENCH_RATE messages/s in signed POSTs of
// BENCH_BATCH messages each, over BENCH_SENDERS senders and BENCH_NUMBERS business numbers. Targets: everything
// accepted, server-side p99 ≤ 25 ms, stored p99 ≤ 250 ms, RSS ≤ 150 MB.
//
// Knobs (env): BENCH_RATE (messages/s, 1000), BENCH_BATCH (10), BENCH_DURATION_S (20), BENCH_WARMUP_S (10),
// BENCH_SENDERS (5000), BENCH_NUMBERS (5), BENCH_NODE_ARGS (extra node flags for the services).
// Infrastructure as `npm start`/`npm test`: KAFKA_BROKERS / DATABASE_URL when set, else a local broker and server.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { signWhatsappBody } from '@crm/platform-whatsapp';
import { FakeGraphServer, type FakeWaNumber } from '@crm/testing';
import { say, until } from './bench-support';
import { runWebhookBench } from './webhook-load.bench-support';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RATE = env('BENCH_RATE', 1000);
const BATCH = env('BENCH_BATCH', 10);
const DURATION_S = env('BENCH_DURATION_S', 20);
const WARMUP_S = env('BENCH_WARMUP_S', 10);
const SENDERS = env('BENCH_SENDERS', 5000);
const NUMBERS = env('BENCH_NUMBERS', 5);

interface Channel {
  channelId: string;
  number: FakeWaNumber;
}

/** One signed webhook POST body of BATCH text messages, each from its own sender (as Meta batches updates). */
function batchBody(channel: Channel, seq: number, run: string): { raw: string; wamids: string[] } {
  const contacts: unknown[] = [];
  const messages: Array<{ id: string } & Record<string, unknown>> = [];
  const timestamp = String(Math.floor(Date.now() / 1000));
  for (let i = 0; i < BATCH; i++) {
    const sender = String(79_000_000_000 + ((seq * BATCH + i) % SENDERS));
    const id = `wamid.bench.${run}.${seq}.${i}`;
    contacts.push({ profile: { name: `Покупатель ${sender.slice(-4)}` }, wa_id: sender });
    messages.push({ from: sender, id, timestamp, type: 'text', text: { body: `Здравствуйте! Вопрос ${seq}/${i}: когда будет доставка заказа?` } });
  }
  const raw = JSON.stringify(FakeGraphServer.webhook(channel.number, { contacts, messages }));
  return { raw, wamids: messages.map((m) => m.id) };
}

runWebhookBench({
  type: 'whatsapp',
  title: `WhatsApp webhook benchmark: ${RATE} messages/s in POSTs of ${BATCH} for ${DURATION_S} s (+${WARMUP_S} s warm-up), ${SENDERS} senders, ${NUMBERS} numbers`,
  postsPerSecond: RATE / BATCH,
  durationS: DURATION_S,
  warmupS: WARMUP_S,
  async setup({ kit, db, accountId, cleanups }) {
    const graph = await FakeGraphServer.start();
    cleanups.push(() => graph.close());
    const channels: Channel[] = [];
    for (let i = 0; i < NUMBERS; i++) {
      const channelId = randomUUID();
      const number = graph.addNumber();
      await db.query(`INSERT INTO channels (id, account_id, type, name, status, create_client_on_first_message) VALUES ($1, $2, 'whatsapp', $3, 'active', true)`, [channelId, accountId, `bench number ${i}`]);
      await kit.publishChannel({
        channelId,
        accountId,
        type: 'whatsapp',
        settings: { phoneNumberId: number.phoneNumberId },
        credentials: { accessToken: number.accessToken, appSecret: number.appSecret },
        webhookSecret: randomBytes(18).toString('base64url'),
      });
      channels.push({ channelId, number });
    }
    const run = randomBytes(3).toString('hex');
    return {
      connectorEnv: { WHATSAPP_GRAPH_URL: graph.baseUrl, WHATSAPP_HEALTH_INTERVAL_MS: '3600000' },
      async ready(publicUrl) {
        // The registry is loaded when a channel's webhook stops answering 503.
        await until(async () => ((await fetch(`${publicUrl}/webhooks/whatsapp/${channels[0].channelId}`, { method: 'POST', body: '{}' })).status !== 503) || undefined, 30_000, 'the channel registry');
      },
      post(seq) {
        const channel = channels[seq % channels.length];
        const { raw, wamids } = batchBody(channel, seq, run);
        const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsappBody(raw, channel.number.appSecret) };
        return { path: `/webhooks/whatsapp/${channel.channelId}`, headers, body: raw, messageIds: wamids };
      },
      async extras() {
        return { batch: BATCH, senders: SENDERS, numbers: NUMBERS };
      },
    };
  },
}).catch((err: unknown) => {
  say(`bench:whatsapp failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
