import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  credentialFingerprint,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  reencryptSecret,
  SecretDecryptionError,
  secretKeyId,
  SecretKeyring,
  secretKeyringFromEnv,
  SecretsKeyConfigError,
  toSecretKeyring,
} from './index';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const b64 = (k: Buffer) => k.toString('base64');
const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('key ids in the ciphertext (v2) and the legacy format (v1)', () => {
  const ring = secretKeyringFromEnv({ SECRETS_KEYS: `2026-12:${b64(k2)},legacy:${b64(k1)}`, SECRETS_DERIVATION_KEY_ID: 'legacy' });

  it('writes v2.<kid>.<iv>.<tag>.<ciphertext> with the write key and reads it back by its kid', () => {
    const blob = encryptSecret(token, ring);
    expect(blob).toMatch(/^v2\.2026-12\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(secretKeyId(blob)).toBe('2026-12');
    expect(decryptSecret(blob, ring)).toBe(token);
    expect(decryptJson(encryptJson({ botToken: token }, ring), ring)).toEqual({ botToken: token });
    // Only the key named in the value decrypts: k2 alone yes, k1 alone no.
    expect(decryptSecret(blob, SecretKeyring.single(k2, '2026-12'))).toBe(token);
    expect(() => decryptSecret(blob, SecretKeyring.single(k1, '2026-12'))).toThrow(/authentication failed/);
  });

  it('decrypts a v1 value (no kid) with the legacy key, and refuses it when the ring has no legacy key', () => {
    const old = encryptSecret(token, k1); // a raw key = the legacy key, written in v1 like every older build
    expect(old).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(secretKeyId(old)).toBe('legacy');
    expect(decryptSecret(old, ring)).toBe(token);
    const withoutLegacy = secretKeyringFromEnv({ SECRETS_KEYS: `2026-12:${b64(k2)}` });
    expect(() => decryptSecret(old, withoutLegacy)).toThrow(/key "legacy" is not configured/);
  });

  it('refuses a tampered value, a swapped key id and foreign formats with SecretDecryptionError', () => {
    const blob = encryptSecret(token, ring);
    const [v, kid, iv, tag, data] = blob.split('.');
    const flipped = data.slice(0, -2) + (data.endsWith('AA') ? 'AB' : 'AA');
    expect(() => decryptSecret([v, kid, iv, tag, flipped].join('.'), ring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret([v, kid, iv, tag, flipped].join('.'), ring)).toThrow(/authentication failed/);
    // The kid is authenticated: relabelling a value to another kid holding the same key material still fails.
    const twin = SecretKeyring.of(new Map([['a', k2], ['b', k2]]), { writeKeyId: 'a', derivationKeyId: 'a' });
    const [va, , ...restA] = encryptSecret(token, twin).split('.');
    expect(() => decryptSecret([va, 'b', ...restA].join('.'), twin)).toThrow(/authentication failed/);
    expect(() => decryptSecret([v, 'unknown', iv, tag, data].join('.'), ring)).toThrow(/key "unknown" is not configured/);
    expect(() => decryptSecret([v, 'bad!kid', iv, tag, data].join('.'), ring)).toThrow(/not an encrypted value/);
    expect(() => decryptSecret(['v3', kid, iv, tag, data].join('.'), ring)).toThrow(/unknown format version "v3"/);
    expect(() => decryptSecret(['v2', iv, tag, data].join('.'), ring)).toThrow(/unknown format version "v2"/);
    expect(() => decryptSecret(token, ring)).toThrow(/not an encrypted value/);
    expect(() => decryptSecret([v, kid, 'AAAA', tag, data].join('.'), ring)).toThrow(/iv or tag/);
    expect(() => secretKeyId('{"botToken":"x"}')).toThrow(SecretDecryptionError);
  });

  it('re-encrypts a value under another key with the write key and leaves one already under it alone', () => {
    const old = encryptSecret(token, k1);
    const rotated = reencryptSecret(old, ring)!;
    expect(secretKeyId(rotated)).toBe('2026-12');
    expect(decryptSecret(rotated, SecretKeyring.single(k2, '2026-12'))).toBe(token);
    expect(reencryptSecret(rotated, ring)).toBeNull();
    expect(() => reencryptSecret(encryptSecret(token, randomBytes(32)), ring)).toThrow(/authentication failed/);
  });
});

describe('secretKeyringFromEnv', () => {
  const problem = (vars: Parameters<typeof secretKeyringFromEnv>[0]): string => {
    try {
      secretKeyringFromEnv(vars);
    } catch (err) {
      expect(err).toBeInstanceOf(SecretsKeyConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a SecretsKeyConfigError');
  };

  it('SECRETS_KEY alone is one key with id legacy that writes and derives (values stay v1)', () => {
    const ring = secretKeyringFromEnv({ SECRETS_KEY: b64(k1) });
    expect(ring.toJSON()).toEqual({ keyIds: ['legacy'], writeKeyId: 'legacy', derivationKeyId: 'legacy' });
    expect(ring.writeKey.equals(k1)).toBe(true);
    expect(encryptSecret(token, ring)).toMatch(/^v1\./);
    // The same fingerprint as before key rotation existed (a raw key), so stored fingerprints stay valid.
    expect(credentialFingerprint('telegram', '42', ring)).toBe(credentialFingerprint('telegram', '42', k1));
  });

  it('SECRETS_KEYS: the first key writes unless SECRETS_WRITE_KEY_ID says otherwise; SECRETS_KEY joins as legacy', () => {
    expect(secretKeyringFromEnv({ SECRETS_KEYS: ` new:${b64(k2)} ` }).toJSON()).toEqual({ keyIds: ['new'], writeKeyId: 'new', derivationKeyId: 'new' });
    const chosen = secretKeyringFromEnv({ SECRETS_KEYS: `a:${b64(k1)},b:${b64(k2)}`, SECRETS_WRITE_KEY_ID: 'b', SECRETS_DERIVATION_KEY_ID: 'a' });
    expect(chosen.toJSON()).toEqual({ keyIds: ['a', 'b'], writeKeyId: 'b', derivationKeyId: 'a' });
    expect(chosen.writeKey.equals(k2)).toBe(true);
    expect(credentialFingerprint('vk', '1', chosen)).toBe(credentialFingerprint('vk', '1', k1));
    const both = secretKeyringFromEnv({ SECRETS_KEY: b64(k1), SECRETS_KEYS: `2026-12:${b64(k2)}`, SECRETS_DERIVATION_KEY_ID: 'legacy' });
    expect(both.toJSON()).toEqual({ keyIds: ['2026-12', 'legacy'], writeKeyId: '2026-12', derivationKeyId: 'legacy' });
  });

  it('refuses bad configurations with messages that name the variable and kid, never the key', () => {
    expect(problem({})).toMatch(/set SECRETS_KEY .* or SECRETS_KEYS/);
    expect(problem({ SECRETS_KEYS: `a:${b64(randomBytes(16))}` })).toMatch(/SECRETS_KEYS: key "a" must be base64 of exactly 32 bytes/);
    expect(problem({ SECRETS_KEYS: `a:${b64(k1)},a:${b64(k2)}` })).toMatch(/duplicate key id "a"/);
    expect(problem({ SECRETS_KEY: b64(k1), SECRETS_KEYS: `legacy:${b64(k2)}` })).toMatch(/duplicate key id "legacy"/);
    expect(problem({ SECRETS_KEYS: `a:${b64(k1)}`, SECRETS_WRITE_KEY_ID: 'zz' })).toMatch(/SECRETS_WRITE_KEY_ID "zz" is not one of the keys \(a\)/);
    expect(problem({ SECRETS_KEYS: `a:${b64(k1)},b:${b64(k2)}` })).toMatch(/SECRETS_DERIVATION_KEY_ID is required with several keys \(a, b\)/);
    expect(problem({ SECRETS_KEYS: `a:${b64(k1)}`, SECRETS_DERIVATION_KEY_ID: 'old' })).toMatch(/SECRETS_DERIVATION_KEY_ID "old" is not one of the keys/);
    expect(problem({ SECRETS_KEYS: b64(k1) })).toMatch(/entry 1 must be <kid>:<base64/);
    expect(problem({ SECRETS_KEYS: `bad.kid:${b64(k1)}` })).toMatch(/key id "bad.kid" must be/);
    expect(problem({ SECRETS_KEY: 'c2hvcnQ=' })).toMatch(/SECRETS_KEY must be base64 of exactly 32 bytes/);
    const material = `${b64(k1)}|${b64(randomBytes(16))}`;
    for (const vars of [{ SECRETS_KEYS: `a:${b64(randomBytes(16))}` }, { SECRETS_KEYS: `a:${material}` }]) expect(problem(vars)).not.toContain(vars.SECRETS_KEYS.slice(2));
  });

  it('never shows key material when serialized or inspected', () => {
    const ring = secretKeyringFromEnv({ SECRETS_KEYS: `a:${b64(k1)}` });
    for (const text of [JSON.stringify({ ring }), inspect(ring, { showHidden: true, depth: 5 }), String(Object.values(ring))]) {
      expect(text).not.toContain(b64(k1));
      expect(text).not.toContain(k1.toString('hex'));
    }
    expect(JSON.stringify({ ring })).toContain('"writeKeyId":"a"');
  });

  it('toSecretKeyring takes a ring, a raw key or a base64 SECRETS_KEY', () => {
    const ring = secretKeyringFromEnv({ SECRETS_KEYS: `a:${b64(k1)}` });
    expect(toSecretKeyring(ring)).toBe(ring);
    expect(toSecretKeyring(k1).toJSON()).toEqual({ keyIds: ['legacy'], writeKeyId: 'legacy', derivationKeyId: 'legacy' });
    expect(toSecretKeyring(b64(k1)).writeKey.equals(k1)).toBe(true);
  });
});
