import { formatLogLine } from './log-line.formatter';

describe('formatLogLine (npm start output)', () => {
  it('prints level, context and message of a JSON log line', () => {
    expect(formatLogLine('api', JSON.stringify({ level: 'info', context: 'Http', msg: 'listening' }))).toBe('[api] info Http: listening');
  });

  it("shows an error's type, code, message and stack, not only the message of the line", () => {
    const line = JSON.stringify({
      level: 'error',
      msg: 'request failed',
      err: { type: 'QueryFailedError', code: '23503', message: 'insert violates foreign key "fk_funnels_account"', stack: 'QueryFailedError: insert …\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)' },
    });
    expect(formatLogLine('api', line).split('\n')).toEqual([
      '[api] error request failed — QueryFailedError [23503]: insert violates foreign key "fk_funnels_account"',
      '[api]     at a (x.ts:1:1)',
      '[api]     at b (y.ts:2:2)',
    ]);
  });

  it('passes non-JSON lines through', () => {
    expect(formatLogLine('lead-routing', 'plain text')).toBe('[lead-routing] plain text');
    expect(formatLogLine('lead-routing', '42')).toBe('[lead-routing] 42');
  });
});
