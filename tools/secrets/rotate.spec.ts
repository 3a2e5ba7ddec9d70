import { parseRotateArgs, reportLines } from './rotate';

describe('secrets:rotate command line', () => {
  it('takes --batch-size and --republish-all and refuses anything else with the usage', () => {
    expect(parseRotateArgs([])).toEqual({});
    expect(parseRotateArgs(['--batch-size=50', '--republish-all'])).toEqual({ batchSize: 50, republishAll: true });
    expect(parseRotateArgs(['--batch-size=0'])).toMatch(/unknown argument "--batch-size=0"\nusage: secrets:rotate/);
    expect(parseRotateArgs(['--dry-run'])).toMatch(/unknown argument "--dry-run"/);
  });

  it('reports counts per table and each failure by row, never a value', () => {
    const lines = reportLines({
      writeKeyId: 'k2',
      accounts: 3,
      tables: { channels: { scanned: 5, rotated: 2, current: 2, failed: 1 } },
      channelConfigsEnqueued: 2,
      failures: [{ table: 'channels', accountId: 'a1', id: 'c1', column: 'secrets_encrypted', reason: 'cannot decrypt secret: key "old" is not configured (SECRETS_KEYS)' }],
    });
    expect(lines).toEqual([
      'secrets:rotate: write key "k2", 3 account(s)',
      '  channels: 5 row(s) scanned, 2 re-encrypted, 2 already under "k2", 1 failed',
      "  channels.config.v1: 2 record(s) enqueued in the outbox (published by the api's outbox relay)",
      '  FAILED channels c1 (account a1) secrets_encrypted: cannot decrypt secret: key "old" is not configured (SECRETS_KEYS)',
    ]);
  });
});
