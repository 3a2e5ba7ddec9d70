import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { LeaseService } from './lease.service';
import { SharedSendBudgetRepository } from './shared-send-budget.repository';

describe('instance coordination in Postgres: leases and the shared send budget (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let other: DataSource;
  let leases: LeaseService;
  let budgets: SharedSendBudgetRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url }).initialize();
    other = await createDataSource({ url: db.url }).initialize();
    leases = new LeaseService(ds);
    budgets = new SharedSendBudgetRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await other?.destroy();
    await db?.drop();
  });

  describe('LeaseService', () => {
    it('one holder at a time: renewed by its holder, refused to another until it expires, then taken over', async () => {
      const name = `lease-${randomUUID()}`;
      expect(await leases.tryAcquireLease(name, 'a', 400)).toBe(true);
      expect(await leases.tryAcquireLease(name, 'b', 400)).toBe(false);
      expect(await leases.tryAcquireLease(name, 'a', 400)).toBe(true); // renewed
      await new Promise((r) => setTimeout(r, 500));
      expect(await leases.tryAcquireLease(name, 'b', 10_000)).toBe(true); // a died: b takes over
      expect(await leases.tryAcquireLease(name, 'a', 10_000)).toBe(false);
      await leases.release('b', [name]);
      expect(await leases.tryAcquireLease(name, 'a', 10_000)).toBe(true); // released: free at once
    });

    it('many names in one statement; racing holders never both get a name', async () => {
      const names = Array.from({ length: 200 }, (_, i) => `race-${i}-${randomUUID()}`);
      const racer = new LeaseService(other);
      const [a, b] = await Promise.all([leases.tryAcquire(names, 'a', 10_000), racer.tryAcquire([...names].reverse(), 'b', 10_000)]);
      expect(a.size + b.size).toBe(names.length);
      expect([...a].filter((n) => b.has(n))).toEqual([]);
      await leases.release('a');
      expect((await racer.tryAcquire(names, 'b', 10_000)).size).toBe(names.length);
    });
  });

  describe('SharedSendBudgetRepository (GCRA, one upsert per send)', () => {
    it('the burst goes at once, then one send per 1/rate — across callers of two connections', async () => {
      // 2 per second, bursts of 2: slots 500 ms apart, wide enough for the jitter of a loaded machine.
      const limits = { channelPerSecond: 2, channelBurst: 2 };
      const budget = budgets.budgetFor('test', limits);
      const racer = new SharedSendBudgetRepository(other).budgetFor('test', limits);
      const channel = randomUUID();
      // When each send may go: the answer's arrival + its wait (one host: the test's and the database's clocks agree).
      const slots = await Promise.all([budget, racer, budget, racer, budget].map(async (b) => {
        const wait = await b.reserve(channel);
        return { wait, at: Date.now() + wait };
      }));
      expect(slots.filter((s) => s.wait === 0)).toHaveLength(2);
      const at = slots.map((s) => s.at).sort((x, y) => x - y);
      for (let i = 2; i < 5; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(i === 2 ? 350 : 400);
      expect(at[4] - at[0]).toBeLessThanOrEqual(1500 + 300);
      // Another channel has its own budget.
      expect(await budget.reserve(randomUUID())).toBe(0);
    });

    it('a caller whose transaction began before another`s send is timed when it reserves, not when its transaction began', async () => {
      // A caller that waited on the row lock runs in a transaction older than the send it waited for; timed by that
      // transaction's start it would land "in the past" and be told to wait for a slot that is already free.
      const limits = { channelPerSecond: 2, channelBurst: 2 };
      const channel = randomUUID();
      const late = other.createQueryRunner();
      await late.connect();
      try {
        await late.startTransaction();
        await late.query('SELECT 1');
        await new Promise((r) => setTimeout(r, 300));
        expect(await budgets.budgetFor('test', limits).reserve(channel)).toBe(0);
        const inOldTransaction = new SharedSendBudgetRepository({ query: (sql: string, params?: unknown[]) => late.query(sql, params) } as unknown as DataSource);
        expect(await inOldTransaction.budgetFor('test', limits).reserve(channel)).toBe(0); // the burst's second send
        await late.commitTransaction();
      } finally {
        if (late.isTransactionActive) await late.rollbackTransaction();
        await late.release();
      }
    });

    it('refills at the rate: after idling a full burst is available again', async () => {
      const budget = budgets.budgetFor('test', { channelPerSecond: 20, channelBurst: 2 });
      const channel = randomUUID();
      expect([await budget.reserve(channel), await budget.reserve(channel)]).toEqual([0, 0]);
      expect(await budget.reserve(channel)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 250));
      expect([await budget.reserve(channel), await budget.reserve(channel)]).toEqual([0, 0]);
    });

    it('a pause (429 retry_after for the bot) holds every instance`s next send until it ends', async () => {
      const limits = { channelPerSecond: 30, channelBurst: 30 };
      const channel = randomUUID();
      await budgets.budgetFor('test', limits).pause(channel, 2000);
      const wait = await new SharedSendBudgetRepository(other).budgetFor('test', limits).reserve(channel);
      expect(wait).toBeGreaterThan(1900);
      expect(wait).toBeLessThanOrEqual(2000);
    });
  });
});
