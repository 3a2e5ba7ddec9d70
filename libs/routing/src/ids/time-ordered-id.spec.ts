import { TimeOrderedIdGenerator } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('TimeOrderedIdGenerator (UUIDv7)', () => {
  it('makes RFC 9562 version-7 ids that carry the millisecond timestamp', () => {
    const at = Date.UTC(2026, 2, 1, 10, 15, 30, 123);
    const id = new TimeOrderedIdGenerator(() => at).next();
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('strictly increases within one millisecond, across counter overflow and when the clock goes back', () => {
    let now = 1_700_000_000_000;
    const gen = new TimeOrderedIdGenerator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(gen.next()); // > 4096: the 12-bit counter overflows
    now -= 5_000; // clock stepped back
    for (let i = 0; i < 10; i++) ids.push(gen.next());
    now += 60_000;
    ids.push(gen.next());
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id) => expect(id).toMatch(UUID_V7));
  });
});
