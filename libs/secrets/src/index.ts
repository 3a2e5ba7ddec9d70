// @crm/secrets — credentials at rest (DESIGN §8): AES-256-GCM with a keyring (SECRETS_KEYS / SECRETS_KEY) in a
// versioned text format carrying the key id, masking for responses, keyed fingerprints for duplicate detection, random
// secrets we generate. Pure Node (no Nest, no TypeORM). Key rotation: docs/secrets.md.
export {
  credentialFingerprint,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  generateSecret,
  LEGACY_SECRET_FORMAT_VERSION,
  reencryptSecret,
  SECRET_FORMAT_VERSION,
  SecretDecryptionError,
  secretKeyId,
} from './secret-box';
export {
  KEY_ID_PATTERN,
  keyringOf,
  LEGACY_KEY_ID,
  parseSecretsKey,
  SecretKeyring,
  secretKeyringFromEnv,
  SecretsKeyConfigError,
  toSecretKeyring,
  type SecretKeys,
  type SecretsKeyVariables,
} from './secret-keyring';
export { isMasked, MASK, maskSecret } from './mask';
