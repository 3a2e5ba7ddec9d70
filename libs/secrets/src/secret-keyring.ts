import { inspect } from 'node:util';

/** The key id of values written before key ids existed (format v1) and of a lone SECRETS_KEY. */
export const LEGACY_KEY_ID = 'legacy';
/** A key id: 1–32 letters, digits, `_` or `-` (e.g. `2026-12`); never contains the format's `.` separator. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The environment variables of a keyring (DESIGN §8, docs/secrets.md); every one optional taken alone. */
export interface SecretsKeyVariables {
  /** base64 of 32 bytes: one key, id `legacy` (the only variable before key rotation existed). */
  SECRETS_KEY?: string;
  /** `kid:base64,kid2:base64…` — every key accepted for reading. */
  SECRETS_KEYS?: string;
  /** The kid that encrypts new values; default: the first key of SECRETS_KEYS (else `legacy`). */
  SECRETS_WRITE_KEY_ID?: string;
  /** The kid that keys derived values (fingerprints, derived webhook secrets, visitor tokens); see docs/secrets.md. */
  SECRETS_DERIVATION_KEY_ID?: string;
}

/** A keyring configuration that cannot work. The message names variables and key ids, never key material. */
export class SecretsKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyConfigError';
  }
}

/** SECRETS_KEY (base64 of exactly 32 bytes) → the raw AES-256 key. Throws on anything else. */
export function parseSecretsKey(base64: string): Buffer {
  const key = Buffer.from(base64 ?? '', 'base64');
  if (!BASE64.test(base64 ?? '') || key.length !== 32) {
    throw new Error('SECRETS_KEY must be base64 of exactly 32 bytes');
  }
  return key;
}

/**
 * The AES-256 keys a process holds, by key id: every one decrypts, `writeKeyId` encrypts, `derivationKeyId` keys the
 * values derived from a key (HMACs). Immutable; its JSON and inspect forms show the key ids only.
 */
export class SecretKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;

  private constructor(keys: ReadonlyMap<string, Buffer>, readonly writeKeyId: string, readonly derivationKeyId: string) {
    this.#keys = keys;
  }

  /** A ring of `keys` (kid → 32-byte key). Throws SecretsKeyConfigError on a bad kid, key length or unknown role kid. */
  static of(keys: ReadonlyMap<string, Buffer>, roles: { writeKeyId: string; derivationKeyId: string }): SecretKeyring {
    if (keys.size === 0) throw new SecretsKeyConfigError('a keyring needs at least one key');
    for (const [kid, key] of keys) {
      if (!KEY_ID_PATTERN.test(kid)) throw new SecretsKeyConfigError(`key id "${kid.slice(0, 40)}" must be 1–32 letters, digits, "_" or "-"`);
      if (key.length !== 32) throw new SecretsKeyConfigError(`key "${kid}" must be exactly 32 bytes`);
    }
    const known = [...keys.keys()].join(', ');
    if (!keys.has(roles.writeKeyId)) throw new SecretsKeyConfigError(`write key id "${roles.writeKeyId.slice(0, 40)}" is not one of the keys (${known})`);
    if (!keys.has(roles.derivationKeyId)) throw new SecretsKeyConfigError(`derivation key id "${roles.derivationKeyId.slice(0, 40)}" is not one of the keys (${known})`);
    return new SecretKeyring(new Map(keys), roles.writeKeyId, roles.derivationKeyId);
  }

  /** One key that writes and derives (a lone SECRETS_KEY: kid `legacy`). */
  static single(key: Buffer, kid = LEGACY_KEY_ID): SecretKeyring {
    return SecretKeyring.of(new Map([[kid, key]]), { writeKeyId: kid, derivationKeyId: kid });
  }

  /** Every key id, in configuration order. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  get writeKey(): Buffer {
    return this.#keys.get(this.writeKeyId)!;
  }

  get derivationKey(): Buffer {
    return this.#keys.get(this.derivationKeyId)!;
  }

  /** The key of `kid`, or undefined when this ring does not hold it. */
  key(kid: string): Buffer | undefined {
    return this.#keys.get(kid);
  }

  toJSON(): { keyIds: string[]; writeKeyId: string; derivationKeyId: string } {
    return { keyIds: this.keyIds, writeKeyId: this.writeKeyId, derivationKeyId: this.derivationKeyId };
  }

  [inspect.custom](): string {
    return `SecretKeyring ${JSON.stringify(this.toJSON())}`;
  }
}

/** What the secret functions accept: a ring, or one raw key (the ring of that key under kid `legacy`). */
export type SecretKeys = Buffer | SecretKeyring;

/** `keys` as a ring (a Buffer → its single-key ring). */
export function keyringOf(keys: SecretKeys): SecretKeyring {
  return keys instanceof SecretKeyring ? keys : SecretKeyring.single(keys);
}

/** A ring, a raw key, or a base64 SECRETS_KEY → the ring (options of libraries that used to take SECRETS_KEY). */
export function toSecretKeyring(source: SecretKeys | string): SecretKeyring {
  return typeof source === 'string' ? SecretKeyring.single(parseSecretsKey(source)) : keyringOf(source);
}

/**
 * The keyring of a process's environment (docs/secrets.md):
 * - `SECRETS_KEY` alone: one key, id `legacy`;
 * - `SECRETS_KEYS=kid:base64,kid2:base64` (plus `SECRETS_KEY` as kid `legacy` when both are set): the first listed
 *   key writes unless `SECRETS_WRITE_KEY_ID` names another; with one key it also derives, with several
 *   `SECRETS_DERIVATION_KEY_ID` is required (changing it changes every derived value, so it is never guessed).
 * Throws SecretsKeyConfigError naming the variable and key id at fault, never a key.
 */
export function secretKeyringFromEnv(vars: SecretsKeyVariables): SecretKeyring {
  const keys = new Map<string, Buffer>();
  const listed = parseKeyList(vars.SECRETS_KEYS);
  for (const [kid, key] of listed) keys.set(kid, key);
  if (present(vars.SECRETS_KEY)) {
    if (keys.has(LEGACY_KEY_ID)) throw new SecretsKeyConfigError(`duplicate key id "${LEGACY_KEY_ID}": SECRETS_KEY is key "${LEGACY_KEY_ID}", and SECRETS_KEYS lists it too`);
    let key: Buffer;
    try {
      key = parseSecretsKey(vars.SECRETS_KEY);
    } catch {
      throw new SecretsKeyConfigError('SECRETS_KEY must be base64 of exactly 32 bytes');
    }
    keys.set(LEGACY_KEY_ID, key);
  }
  if (keys.size === 0) throw new SecretsKeyConfigError('set SECRETS_KEY (one key) or SECRETS_KEYS (kid:base64,…)');
  const writeKeyId = present(vars.SECRETS_WRITE_KEY_ID) ? vars.SECRETS_WRITE_KEY_ID.trim() : (listed[0]?.[0] ?? LEGACY_KEY_ID);
  if (!keys.has(writeKeyId)) throw new SecretsKeyConfigError(`SECRETS_WRITE_KEY_ID "${writeKeyId.slice(0, 40)}" is not one of the keys (${[...keys.keys()].join(', ')})`);
  let derivationKeyId: string;
  if (present(vars.SECRETS_DERIVATION_KEY_ID)) derivationKeyId = vars.SECRETS_DERIVATION_KEY_ID.trim();
  else if (keys.size === 1) derivationKeyId = writeKeyId;
  else throw new SecretsKeyConfigError(`SECRETS_DERIVATION_KEY_ID is required with several keys (${[...keys.keys()].join(', ')}): the key whose derived values (fingerprints, webhook secrets, visitor tokens) must stay — usually the oldest`);
  if (!keys.has(derivationKeyId)) throw new SecretsKeyConfigError(`SECRETS_DERIVATION_KEY_ID "${derivationKeyId.slice(0, 40)}" is not one of the keys (${[...keys.keys()].join(', ')})`);
  return SecretKeyring.of(keys, { writeKeyId, derivationKeyId });
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function parseKeyList(raw: string | undefined): Array<[string, Buffer]> {
  if (!present(raw)) return [];
  const seen = new Set<string>();
  return raw.split(',').map((entry, i) => {
    const at = entry.indexOf(':');
    const kid = at < 0 ? '' : entry.slice(0, at).trim();
    const material = at < 0 ? '' : entry.slice(at + 1).trim();
    if (!kid || !material) throw new SecretsKeyConfigError(`SECRETS_KEYS entry ${i + 1} must be <kid>:<base64 of 32 bytes>`);
    if (!KEY_ID_PATTERN.test(kid)) throw new SecretsKeyConfigError(`SECRETS_KEYS entry ${i + 1}: key id "${kid.slice(0, 40)}" must be 1–32 letters, digits, "_" or "-"`);
    if (seen.has(kid)) throw new SecretsKeyConfigError(`SECRETS_KEYS: duplicate key id "${kid}"`);
    seen.add(kid);
    const key = Buffer.from(material, 'base64');
    if (!BASE64.test(material) || key.length !== 32) throw new SecretsKeyConfigError(`SECRETS_KEYS: key "${kid}" must be base64 of exactly 32 bytes`);
    return [kid, key];
  });
}
