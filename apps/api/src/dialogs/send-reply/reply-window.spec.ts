import { replyWindowOpen } from './reply-window';

describe('replyWindowOpen', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

  it('a type without a window always allows free text', () => {
    expect(replyWindowOpen(null, null, now)).toBe(true);
    expect(replyWindowOpen(null, hoursAgo(1000), now)).toBe(true);
  });

  it('with a 24-hour window: open up to 24 h after the customer’s last message, closed after, closed with none', () => {
    expect(replyWindowOpen(24, hoursAgo(23.99), now)).toBe(true);
    expect(replyWindowOpen(24, hoursAgo(24), now)).toBe(true);
    expect(replyWindowOpen(24, hoursAgo(24.01), now)).toBe(false);
    expect(replyWindowOpen(24, null, now)).toBe(false);
  });
});
