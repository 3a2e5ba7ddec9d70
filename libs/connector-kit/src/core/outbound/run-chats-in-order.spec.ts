import { runChatsInOrder } from './run-chats-in-order';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runChatsInOrder', () => {
  it('keeps each chat in order and runs chats concurrently', async () => {
    const log: string[] = [];
    let chatBDone!: () => void;
    const bDone = new Promise<void>((r) => (chatBDone = r));
    const messages = [
      { chat: 'a', n: 1 },
      { chat: 'b', n: 1 },
      { chat: 'a', n: 2 },
      { chat: 'b', n: 2 },
    ];
    await runChatsInOrder(messages, (m) => m.chat, async (m) => {
      log.push(`start ${m.chat}${m.n}`);
      // a1 finishes only after chat b has finished: run one chat after the other and this never resolves.
      if (m.chat === 'a' && m.n === 1) await Promise.race([bDone, tick(2000).then(() => log.push('a1 gave up waiting'))]);
      else await tick(1);
      log.push(`end ${m.chat}${m.n}`);
      if (m.chat === 'b' && m.n === 2) chatBDone();
    });
    expect(log.filter((l) => l.endsWith(' a1') || l.endsWith(' a2'))).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
    expect(log).not.toContain('a1 gave up waiting');
    expect(log.indexOf('end b2')).toBeLessThan(log.indexOf('end a1'));
  });

  it("a failing chat stops there, the other chats finish before the error is thrown (nothing is still in flight)", async () => {
    const done: string[] = [];
    let inFlight = 0;
    const messages = [
      { chat: 'a', id: 'a1', fail: true },
      { chat: 'a', id: 'a2' },
      { chat: 'b', id: 'b1', ms: 40 },
      { chat: 'b', id: 'b2', ms: 10 },
    ];
    const run = runChatsInOrder(messages, (m) => m.chat, async (m) => {
      inFlight++;
      try {
        if ('fail' in m) throw new Error('Kafka down');
        await tick(m.ms ?? 0);
        done.push(m.id);
      } finally {
        inFlight--;
      }
    });
    await expect(run).rejects.toThrow('Kafka down');
    expect(inFlight).toBe(0);
    expect(done).toEqual(['b1', 'b2']);
  });
});
