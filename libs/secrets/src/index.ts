// @crm/secrets — credentials at rest (DESIGN §8): AES-256-GCM with SECRETS_KEY in a versioned text format, masking for
// responses, keyed fingerprints for duplicate detection, random secrets we generate. Pure Node (no Nest, no TypeORM).
export {
  credentialFingerprint,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  generateSecret,
  parseSecretsKey,
  SECRET_FORMAT_VERSION,
  SecretDecryptionError,
} from './secret-box';
export { isMasked, MASK, maskSecret } from './mask';
