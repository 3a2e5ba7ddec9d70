import { randomBytes } from 'node:crypto';
import {
  credentialFingerprint,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  generateSecret,
  isMasked,
  maskSecret,
  parseSecretsKey,
  SecretDecryptionError,
} from './index';

const key = randomBytes(32);
const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('encryptSecret / decryptSecret (AES-256-GCM, v1 format)', () => {
  it('round-trips unicode text in the versioned base64url format, with a fresh iv every time', () => {
    const a = encryptSecret(token, key);
    const b = encryptSecret(token, key);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(token);
    expect(decryptSecret(a, key)).toBe(token);
    expect(decryptSecret(encryptSecret('пароль ✓', key), key)).toBe('пароль ✓');
    expect(decryptJson(encryptJson({ botToken: token }, key), key)).toEqual({ botToken: token });
  });

  it('refuses another key, a tampered value and foreign formats without revealing anything', () => {
    const blob = encryptSecret(token, key);
    expect(() => decryptSecret(blob, randomBytes(32))).toThrow(SecretDecryptionError);
    const [v, iv, tag, data] = blob.split('.');
    const flipped = data.slice(0, -2) + (data.endsWith('AA') ? 'AB' : 'AA');
    expect(() => decryptSecret([v, iv, tag, flipped].join('.'), key)).toThrow(/authentication failed/);
    expect(() => decryptSecret(['v2', iv, tag, data].join('.'), key)).toThrow(/unknown format version/);
    expect(() => decryptSecret(token, key)).toThrow(/not an encrypted value/);
    expect(() => decryptSecret([v, 'AAAA', tag, data].join('.'), key)).toThrow(/iv or tag/);
  });

  it('parses SECRETS_KEY only when it is base64 of exactly 32 bytes', () => {
    expect(parseSecretsKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseSecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseSecretsKey('not base64!')).toThrow(/32 bytes/);
  });
});

describe('maskSecret', () => {
  it('shows only the last two characters of a long secret, nothing of a short one', () => {
    expect(maskSecret(token)).toBe('••••aw');
    expect(maskSecret('short')).toBe('••••');
    expect(maskSecret(null)).toBeNull();
    expect(isMasked(maskSecret(token))).toBe(true);
    expect(isMasked(token)).toBe(false);
  });
});

describe('credentialFingerprint / generateSecret', () => {
  it('is stable per key, scope and identity, and differs otherwise', () => {
    const fp = credentialFingerprint('telegram', '123456789', key);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(credentialFingerprint('telegram', '123456789', key)).toBe(fp);
    expect(credentialFingerprint('vk', '123456789', key)).not.toBe(fp);
    expect(credentialFingerprint('telegram', '123456780', key)).not.toBe(fp);
    expect(credentialFingerprint('telegram', '123456789', randomBytes(32))).not.toBe(fp);
  });

  it('generates unique secrets in the requested alphabet', () => {
    const a = generateSecret(24);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateSecret(24)).not.toBe(a);
    const vk = generateSecret(24, { alphanumeric: true });
    expect(vk).toMatch(/^[A-Za-z0-9]{33}$/);
  });
});
