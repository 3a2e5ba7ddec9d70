import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { RandomIdsExhaustedError, RandomIdsRepository } from './random-ids.repository';

// The stored random_id sequence on real Postgres: never repeats per channel, stable per message part, 32-bit bound.
describe('RandomIdsRepository (real Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: RandomIdsRepository;
  const accountId = randomUUID();
  const other = randomUUID();
  const channel = { channelId: randomUUID(), accountId };
  const second = { channelId: randomUUID(), accountId };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ url: db.url }).initialize();
    await dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, 'a'), ($2, 'b')`, [accountId, other]);
    for (const c of [channel, second]) await dataSource.query(`INSERT INTO channels (id, account_id, type, name, status) VALUES ($1, $2, 'vk', 'ВК', 'active')`, [c.channelId, accountId]);
    repo = new RandomIdsRepository(dataSource);
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('hands out 1, 2, 3… per channel; a message asked again gets the same ids, more parts get new ones', async () => {
    const a = randomUUID();
    expect(await repo.assign(channel, a, 2)).toEqual([1, 2]);
    expect(await repo.assign(channel, randomUUID(), 1)).toEqual([3]);
    expect(await repo.assign(channel, a, 2)).toEqual([1, 2]);
    expect(await repo.assign(channel, a, 3)).toEqual([1, 2, 4]);
    expect(await repo.assign(second, randomUUID(), 1)).toEqual([1]);
  });

  it('concurrent messages never share an id', async () => {
    const ids = (await Promise.all(Array.from({ length: 20 }, () => repo.assign(second, randomUUID(), 1)))).flat();
    expect(new Set(ids).size).toBe(20);
  });

  it('stops at 2^31 − 1 (VK random_id is 32-bit) and refuses a channel of another account', async () => {
    await dataSource.query(`UPDATE vk_send_sequences SET last_random_id = 2147483646 WHERE channel_id = $1`, [channel.channelId]);
    expect(await repo.assign(channel, randomUUID(), 1)).toEqual([2147483647]);
    await expect(repo.assign(channel, randomUUID(), 1)).rejects.toBeInstanceOf(RandomIdsExhaustedError);
    await expect(repo.assign({ channelId: channel.channelId, accountId: other }, randomUUID(), 1)).rejects.toThrow(/not in the database/);
  });

  it('prunes message ids older than the retention, never the sequence', async () => {
    await dataSource.query(`UPDATE vk_send_random_ids SET created_at = now() - interval '40 days' WHERE channel_id = $1`, [second.channelId]);
    expect(await repo.prune(30)).toBe(21);
    expect(await repo.assign(second, randomUUID(), 1)).toEqual([22]);
  });
});
