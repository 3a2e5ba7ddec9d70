import { TurnBatcher } from './turn-batcher';

describe('TurnBatcher', () => {
  it('hands what is submitted in one turn to one flush, and every submitter gets its outcome', async () => {
    const calls: number[][] = [];
    const batcher = new TurnBatcher<number>(async (items) => void calls.push(items));
    await Promise.all([batcher.submit(1), batcher.submit(2), Promise.resolve().then(() => batcher.submit(3))]);
    expect(calls).toEqual([[1, 2, 3]]);
    await batcher.submit(4);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every submitter of a failed flush, and the next turn starts afresh', async () => {
    let fail = true;
    const batcher = new TurnBatcher<string>(async () => {
      if (fail) throw new Error('boom');
    });
    const outcomes = await Promise.allSettled([batcher.submit('a'), batcher.submit('b')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(new Error('boom'));
    fail = false;
    await expect(batcher.submit('c')).resolves.toBeUndefined();
  });

  it('a flush that throws synchronously rejects its submitters instead of escaping', async () => {
    const batcher = new TurnBatcher<number>(() => {
      throw new Error('sync');
    });
    await expect(batcher.submit(1)).rejects.toThrow('sync');
  });

  it('never puts more than maxWeight into one flush; an item heavier than that goes alone', async () => {
    const calls: number[][] = [];
    const batcher = new TurnBatcher<number>(async (items) => void calls.push(items), { weigh: (n) => n, maxWeight: 10 });
    await Promise.all([4, 5, 3, 12, 2, 8].map((n) => batcher.submit(n)));
    expect(calls).toEqual([[4, 5], [3], [12], [2, 8]]);
    expect(calls.every((c) => c.length === 1 || c.reduce((a, b) => a + b, 0) <= 10)).toBe(true);
  });
});
