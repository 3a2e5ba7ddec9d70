import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptJson, encryptSecret } from '@crm/secrets';
import { scanForSecrets } from './secret-scan';

describe('scanForSecrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'));
  const botToken = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
  const hookSecret = 'q/Zr+8d"Kx\\w91mPa';
  const clientSecret = 'avito-client-secret-0123456789';
  const log = (name: string, lines: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  it('finds a secret in a log line, a JSON-escaped body, a URL-encoded path and base64 inside a longer value', async () => {
    const file = log('api.log', [
      '{"level":"info","msg":"started"}',
      `{"level":"warn","msg":"telegram said 401 for https://api.telegram.org/bot${botToken}/getMe"}`,
    ]);
    const result = await scanForSecrets({
      secrets: [{ name: 'telegram botToken', value: botToken }, { name: 'avito hook secret', value: hookSecret }, { name: 'avito clientSecret', value: clientSecret }],
      logFiles: [file, join(dir, 'never-written.log')],
      responses: [
        { path: 'GET /api/v1/channels/1', body: { id: '1', note: `hook ${hookSecret}` } },
        { path: 'POST /webhooks/avito', body: `see /webhooks/avito/c1/${encodeURIComponent(hookSecret)}` },
        { path: 'GET /debug', body: { authorization: `Basic ${Buffer.from(`client-id:${clientSecret}`).toString('base64')}` } },
        { path: 'GET /clean', body: { id: '1', masked: '••••T0' } },
      ],
    });
    expect(result.findings.map((f) => [f.where, f.secret.split(' ')[0], f.encoding])).toEqual([
      [`log ${file}:2`, 'telegram', 'plain'],
      ['response GET /api/v1/channels/1', 'avito', 'json-escaped'],
      ['response POST /webhooks/avito', 'avito', 'url-encoded'],
      ['response GET /debug', 'avito', 'base64'],
    ]);
    expect(result.scanned).toMatchObject({ logFiles: 2, responses: 4, kafkaRecords: 0 });
    for (const finding of result.findings) {
      expect(finding.snippet).not.toContain(botToken);
      expect(finding.snippet).not.toContain(JSON.stringify(hookSecret).slice(1, -1));
      expect(finding.snippet).toContain('[');
    }
    expect(result.findings[0].snippet).toContain('/bot[telegram botToken 12…T0 (45 chars)]/getMe');
  });

  it('counts repeated occurrences in one place once, with their number', async () => {
    const file = log('repeat.log', [`a ${clientSecret} b ${clientSecret}`]);
    const result = await scanForSecrets({ secrets: [clientSecret], logFiles: [file], responses: [] });
    expect(result.findings).toEqual([expect.objectContaining({ where: `log ${file}:1`, encoding: 'plain', count: 2 })]);
  });

  it('ignores our AES ciphertext of the secrets, masked values and values too short to tell from chance', async () => {
    const key = randomBytes(32);
    const file = log('ciphertext.log', [
      `{"encryptedSecrets":"${encryptJson({ botToken, clientSecret }, key)}"}`,
      `{"secret":"${encryptSecret(hookSecret, key)}","masked":"••••${botToken.slice(-4)}","short":"abc"}`,
    ]);
    const result = await scanForSecrets({ secrets: [botToken, hookSecret, clientSecret, 'abc'], logFiles: [file], responses: [{ path: 'x', body: encryptSecret(clientSecret, key) }] });
    expect(result.findings).toEqual([]);
  });
});
