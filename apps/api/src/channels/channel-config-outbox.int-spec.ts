import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { Topics } from '@crm/contracts';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { freePort, readTopic, repoRoot, testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';

// "A crash between the database write and Kafka loses nothing": the api runs as a real child process whose outbox
// relay is switched off (OUTBOX_RELAY_ENABLED=false), creates a channel (committed with its outbox row), is killed
// with SIGKILL, and a fresh api started normally publishes the record exactly as it was stored.
describe('channel config through the transactional outbox survives a killed api process', () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];
  const output: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  async function startApi(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
    const port = await freePort();
    const root = repoRoot();
    const child = spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(root, 'apps/api/src/main.ts')], {
      env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`api exited early: ${output.join('').slice(-2000)}`);
        return (await fetch(`${url}/health`).catch(() => undefined))?.status === 200;
      },
      90_000,
      'the api child to be healthy',
    );
    return { child, url };
  }

  it('publishes the committed record after a SIGKILL between commit and publish', async () => {
    const accountId = randomUUID();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const query = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
    try {
      await query(`INSERT INTO accounts (id, name) VALUES ($1, 'crash')`, [accountId]);
      const env = {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('crash'),
        SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
        AUTH_JWT_SECRET: `jwt-${randomUUID()}`,
        PUBLIC_URL: 'http://localhost:8080',
      };
      const token = sign({ sub: 'admin-1', accountId, role: 'admin' }, env.AUTH_JWT_SECRET, { algorithm: 'HS256', expiresIn: '1h' });

      const first = await startApi({ ...env, OUTBOX_RELAY_ENABLED: 'false' });
      const res = await fetch(`${first.url}/api/v1/channels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        // A widget: its type is available and saving it asks no platform (vk is unavailable until its connector lands).
        body: JSON.stringify({ name: 'Виджет', type: 'widget', settings: { allowedOrigins: ['https://crash.example'] } }),
      });
      expect(res.status).toBe(201);
      const channel = (await res.json()) as { id: string };
      const [stored] = await query(`SELECT payload, headers, published_at FROM outbox WHERE message_key = $1`, [channel.id]);
      expect(stored).toMatchObject({ published_at: null, payload: { type: 'channel.config', channelId: channel.id } });

      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      expect(first.child.signalCode).toBe('SIGKILL');
      const topic = `${env.KAFKA_TOPIC_PREFIX}${Topics.ChannelsConfig}`;
      expect(await readTopic(topic, { timeoutMs: 1000 })).toHaveLength(0);

      await startApi(env);
      const [record] = await readTopic(topic, { expect: 1, timeoutMs: 30_000 });
      expect(record.key).toBe(channel.id);
      expect(JSON.parse(record.value!.toString('utf8'))).toEqual(stored.payload);
      expect(record.headers).toEqual(stored.headers);
      await waitFor(async () => (await query(`SELECT published_at FROM outbox WHERE message_key = $1`, [channel.id]))[0].published_at !== null, 10_000, 'row marked published');
    } finally {
      await client.end();
    }
  });
});
