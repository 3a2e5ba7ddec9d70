import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(): { lines: Array<Record<string, any>>; stream: Writable } {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it("keeps an error's real type, message, code and stack, with secrets scrubbed from the text", () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: 'test', level: 'info', destination: stream });
    class QueryFailedError extends Error {
      code = '23503';
    }
    const err = new QueryFailedError('insert failed for token 123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0');
    err.name = 'QueryFailedError';
    logger.error({ err }, 'request failed');
    expect(lines).toHaveLength(1);
    expect(lines[0].err).toEqual({
      type: 'QueryFailedError',
      message: 'insert failed for token [bot-token]',
      stack: expect.stringContaining('QueryFailedError: insert failed for token [bot-token]'),
      code: '23503',
    });
  });
});
