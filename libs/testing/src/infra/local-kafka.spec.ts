import { newClusterId } from './local-kafka';

describe('newClusterId', () => {
  it('is a 22-character base64url id that never starts with "-" (the storage tool would read it as an option)', () => {
    const ids = Array.from({ length: 5000 }, () => newClusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
