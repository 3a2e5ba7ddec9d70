import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { keyringOf, KEY_ID_PATTERN, LEGACY_KEY_ID, type SecretKeys } from './secret-keyring';

/** Format written before key ids: `v1.<iv>.<tag>.<ciphertext>`; decrypts with the key of id `legacy`. */
export const LEGACY_SECRET_FORMAT_VERSION = 'v1';
/**
 * Current format of an encrypted value: `v2.<kid>.<iv>.<tag>.<ciphertext>` (AES-256-GCM, 12-byte iv, base64url parts,
 * `v2.<kid>` authenticated as additional data so a swapped key id fails like a tampered value). A value written
 * with the key `legacy` stays in v1, which every older build reads.
 */
export const SECRET_FORMAT_VERSION = 'v2';
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

interface ParsedSecret {
  kid: string;
  aad: Buffer | null;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function parseSecret(encrypted: string): ParsedSecret {
  const parts = typeof encrypted === 'string' ? encrypted.split('.') : [];
  if (!parts.every((p) => PART.test(p))) throw new SecretDecryptionError('not an encrypted value (v2.<kid>.<iv>.<tag>.<ciphertext>)');
  let kid: string;
  let rest: string[];
  let aad: Buffer | null = null;
  if (parts[0] === SECRET_FORMAT_VERSION && parts.length === 5) {
    kid = parts[1];
    rest = parts.slice(2);
    if (!KEY_ID_PATTERN.test(kid)) throw new SecretDecryptionError('bad key id');
    aad = Buffer.from(`${SECRET_FORMAT_VERSION}.${kid}`, 'utf8');
  } else if (parts[0] === LEGACY_SECRET_FORMAT_VERSION && parts.length === 4) {
    kid = LEGACY_KEY_ID;
    rest = parts.slice(1);
  } else if (parts.length === 4 || parts.length === 5) {
    throw new SecretDecryptionError(`unknown format version "${parts[0].slice(0, 8)}"`);
  } else {
    throw new SecretDecryptionError('not an encrypted value (v2.<kid>.<iv>.<tag>.<ciphertext>)');
  }
  const [ivPart, tagPart, dataPart] = rest;
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('bad iv or tag length');
  return { kid, aad, iv, tag, data: Buffer.from(dataPart, 'base64url') };
}

/** The key id an encrypted value was written with (`legacy` for v1). Throws SecretDecryptionError on a foreign format. */
export function secretKeyId(encrypted: string): string {
  return parseSecret(encrypted).kid;
}

/**
 * Encrypts a UTF-8 string with the write key of `keys` (fresh random iv): `v2.<kid>.<iv>.<tag>.<ciphertext>`, or
 * `v1.<iv>.<tag>.<ciphertext>` when the write key is `legacy` (a raw Buffer is that key).
 */
export function encryptSecret(plaintext: string, keys: SecretKeys): string {
  const ring = keyringOf(keys);
  const kid = ring.writeKeyId;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, ring.writeKey, iv, { authTagLength: TAG_BYTES });
  const legacy = kid === LEGACY_KEY_ID;
  if (!legacy) cipher.setAAD(Buffer.from(`${SECRET_FORMAT_VERSION}.${kid}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  const head = legacy ? [LEGACY_SECRET_FORMAT_VERSION] : [SECRET_FORMAT_VERSION, kid];
  return [...head, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/**
 * Inverse of encryptSecret with the key of the value's id (v1 → `legacy`). Throws SecretDecryptionError on a foreign
 * format, a key id the ring does not hold, a wrong key or a tampered value.
 */
export function decryptSecret(encrypted: string, keys: SecretKeys): string {
  const parsed = parseSecret(encrypted);
  const key = keyringOf(keys).key(parsed.kid);
  if (!key) throw new SecretDecryptionError(`key "${parsed.kid}" is not configured (SECRETS_KEYS)`);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
    if (parsed.aad) decipher.setAAD(parsed.aad);
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.data), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError(`authentication failed (wrong key "${parsed.kid}" or tampered value)`);
  }
}

/**
 * The value encrypted again with the write key, or null when it already is under the write key (nothing to do).
 * Throws SecretDecryptionError when the value cannot be decrypted with the ring.
 */
export function reencryptSecret(encrypted: string, keys: SecretKeys): string | null {
  const ring = keyringOf(keys);
  if (secretKeyId(encrypted) === ring.writeKeyId) return null;
  return encryptSecret(decryptSecret(encrypted, ring), ring);
}

/** Encrypts a JSON-serializable value (e.g. `{ botToken }`). */
export function encryptJson(value: unknown, keys: SecretKeys): string {
  return encryptSecret(JSON.stringify(value), keys);
}

/** Inverse of encryptJson. */
export function decryptJson<T = Record<string, string>>(encrypted: string, keys: SecretKeys): T {
  return JSON.parse(decryptSecret(encrypted, keys)) as T;
}

/**
 * Keyed fingerprint of an identifying credential (bot id, VK group id, WhatsApp number id…): HMAC-SHA256 with a
 * sub-key derived from the derivation key (SECRETS_DERIVATION_KEY_ID; a raw Buffer is that key), hex. Equal inputs
 * give equal fingerprints (duplicate detection), yet the stored value reveals nothing without the key. `scope`
 * separates namespaces (e.g. the channel type). Key rotation does not change it (docs/secrets.md).
 */
export function credentialFingerprint(scope: string, identity: string, keys: SecretKeys): string {
  const subKey = Buffer.from(hkdfSync('sha256', keyringOf(keys).derivationKey, Buffer.alloc(0), 'crm-channels/credential-fingerprint/v1', 32));
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
