import { Writable } from 'node:stream';
import { createLogger, scrubSecrets } from './logger';

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

  it('scrubs the secret segments of webhook URLs, Bitrix24 webhook codes and credential query parameters from free text', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: 'test', level: 'info', destination: stream });
    const hook = 'https://crm.example.com/webhooks/avito/3f6c2a9e-1b7d-4c1e-9a55-0d2f4b8e7c11/Zr8dKx_w91mPa-Q4sT7uV2yB';
    logger.warn({ detail: `subscribe refused: url ${hook} is not reachable` }, `POST ${hook}?x=1 failed`);
    expect(lines[0].detail).toBe('subscribe refused: url https://crm.example.com/webhooks/avito/3f6c2a9e-1b7d-4c1e-9a55-0d2f4b8e7c11/[redacted] is not reachable');
    expect(lines[0].msg).toBe('POST https://crm.example.com/webhooks/avito/3f6c2a9e-1b7d-4c1e-9a55-0d2f4b8e7c11/[redacted]?x=1 failed');
    expect(JSON.stringify(lines)).not.toContain('Zr8dKx_w91mPa');
    expect(scrubSecrets('bitrix24 https://acme.bitrix24.ru/rest/1/a1b2c3d4e5f6g7h8/crm.lead.add.json timed out')).toBe(
      'bitrix24 https://acme.bitrix24.ru/rest/1/[redacted]/crm.lead.add.json timed out',
    );
    expect(scrubSecrets('GET /webhooks/whatsapp/ch-1?hub.mode=subscribe&hub.verify_token=s3cr3tVerify&hub.challenge=42')).toBe(
      'GET /webhooks/whatsapp/ch-1?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42',
    );
    expect(scrubSecrets('/oauth?client_id=app&client_secret=abc123def&code=xyz789')).toBe('/oauth?client_id=app&client_secret=[redacted]&code=[redacted]');
    // A webhook path without secret segments stays as it is.
    expect(scrubSecrets('/webhooks/vk/3f6c2a9e answered 200')).toBe('/webhooks/vk/3f6c2a9e answered 200');
  });
});
