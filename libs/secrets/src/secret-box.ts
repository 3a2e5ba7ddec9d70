import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Current format of an encrypted value: `v1.<iv>.<tag>.<ciphertext>`, each part base64url (AES-256-GCM, 12-byte iv). */
export const SECRET_FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PART = /^[A-Za-z0-9_-]*$/;

/** A value that cannot be decrypted: not our format, another key, or tampered with. Never carries the plaintext. */
export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

/** SECRETS_KEY (base64 of exactly 32 bytes) → the raw AES-256 key. Throws on anything else. */
export function parseSecretsKey(base64: string): Buffer {
  const key = Buffer.from(base64 ?? '', 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64 ?? '') || key.length !== 32) {
    throw new Error('SECRETS_KEY must be base64 of exactly 32 bytes');
  }
  return key;
}

/** Encrypts a UTF-8 string with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url parts, fresh random iv). */
export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [SECRET_FORMAT_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Inverse of encryptSecret. Throws SecretDecryptionError on a foreign format, a wrong key or a tampered value. */
export function decryptSecret(encrypted: string, key: Buffer): string {
  const parts = typeof encrypted === 'string' ? encrypted.split('.') : [];
  if (parts.length !== 4 || !parts.every((p) => PART.test(p))) throw new SecretDecryptionError('not a v1.<iv>.<tag>.<ciphertext> value');
  const [version, ivPart, tagPart, dataPart] = parts;
  if (version !== SECRET_FORMAT_VERSION) throw new SecretDecryptionError(`unknown format version "${version.slice(0, 8)}"`);
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('bad iv or tag length');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('authentication failed (wrong SECRETS_KEY or tampered value)');
  }
}

/** Encrypts a JSON-serializable value (e.g. `{ botToken }`). */
export function encryptJson(value: unknown, key: Buffer): string {
  return encryptSecret(JSON.stringify(value), key);
}

/** Inverse of encryptJson. */
export function decryptJson<T = Record<string, string>>(encrypted: string, key: Buffer): T {
  return JSON.parse(decryptSecret(encrypted, key)) as T;
}

/**
 * Keyed fingerprint of an identifying credential (bot id, VK group id, WhatsApp number id…): HMAC-SHA256 with a
 * sub-key derived from SECRETS_KEY, hex. Equal inputs give equal fingerprints (duplicate detection), yet the stored
 * value reveals nothing without the key. `scope` separates namespaces (e.g. the channel type).
 */
export function credentialFingerprint(scope: string, identity: string, key: Buffer): string {
  const subKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'crm-channels/credential-fingerprint/v1', 32));
  return createHmac('sha256', subKey).update(`${scope}\u0000${identity}`, 'utf8').digest('hex');
}

/**
 * A random secret of `bytes` bytes as base64url (only `A-Z a-z 0-9 _ -`, which Telegram's secret_token accepts).
 * `alphanumeric` drops `_`/`-` for platforms that want letters and digits only (VK's secret key).
 */
export function generateSecret(bytes = 24, options: { alphanumeric?: boolean } = {}): string {
  if (!options.alphanumeric) return randomBytes(bytes).toString('base64url');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const length = Math.ceil((bytes * 8) / Math.log2(alphabet.length));
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // Rejection sampling: 248 = 4 * 62 keeps the distribution uniform.
      if (b < 248 && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
