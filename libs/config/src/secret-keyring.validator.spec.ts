import { randomBytes } from 'node:crypto';
import { secretKeyringFromEnv } from '@crm/secrets';
import { BaseServiceConfig } from './base-service.config';
import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';
import { WithSecretsKey } from './shared-variables';

class KeyedConfig extends WithSecretsKey(BaseServiceConfig) {
  override PORT = 3998;
}

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm', KAFKA_BROKERS: '127.0.0.1:9092' };
const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

function failure(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig(KeyedConfig, { ...base, ...env }, 'demo');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return err as ConfigValidationError;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('WithSecretsKey: SECRETS_KEY or the SECRETS_KEYS keyring, validated at boot', () => {
  it('loads SECRETS_KEY alone, SECRETS_KEYS alone, and both (SECRETS_KEY = kid legacy)', () => {
    expect(secretKeyringFromEnv(loadConfig(KeyedConfig, { ...base, SECRETS_KEY: k1 })).toJSON()).toEqual({ keyIds: ['legacy'], writeKeyId: 'legacy', derivationKeyId: 'legacy' });
    expect(secretKeyringFromEnv(loadConfig(KeyedConfig, { ...base, SECRETS_KEYS: `2026-12:${k2}` })).writeKeyId).toBe('2026-12');
    const both = loadConfig(KeyedConfig, { ...base, SECRETS_KEY: k1, SECRETS_KEYS: `2026-12:${k2}`, SECRETS_DERIVATION_KEY_ID: 'legacy' });
    expect(secretKeyringFromEnv(both).toJSON()).toEqual({ keyIds: ['2026-12', 'legacy'], writeKeyId: '2026-12', derivationKeyId: 'legacy' });
  });

  it.each([
    ['neither key variable', {}, 'SECRETS_KEY', /base64/],
    ['an unknown write kid', { SECRETS_KEYS: `a:${k1}`, SECRETS_WRITE_KEY_ID: 'b' }, 'SECRETS_KEYS', /SECRETS_WRITE_KEY_ID "b" is not one of the keys/],
    ['an unknown write kid next to SECRETS_KEY', { SECRETS_KEY: k1, SECRETS_WRITE_KEY_ID: 'b' }, 'SECRETS_KEYS', /SECRETS_WRITE_KEY_ID "b"/],
    ['a short key', { SECRETS_KEYS: `a:${randomBytes(16).toString('base64')}` }, 'SECRETS_KEYS', /key "a" must be base64 of exactly 32 bytes/],
    ['a duplicate kid', { SECRETS_KEYS: `a:${k1},a:${k2}` }, 'SECRETS_KEYS', /duplicate key id "a"/],
    ['several keys without a derivation kid', { SECRETS_KEYS: `a:${k1},b:${k2}` }, 'SECRETS_KEYS', /SECRETS_DERIVATION_KEY_ID is required/],
    ['a bad SECRETS_KEY next to SECRETS_KEYS', { SECRETS_KEY: 'c2hvcnQ=', SECRETS_KEYS: `a:${k1}` }, 'SECRETS_KEY', /base64/],
  ])('refuses %s and names the variable, never a key', (_what, env, variable, message) => {
    const err = failure(env as Record<string, string>);
    const problem = err.problems.find((p) => p.variable === variable);
    expect(problem?.problems.join('; ')).toMatch(message);
    expect(err.message).not.toContain(k1);
    expect(err.message).not.toContain(k2);
  });
});
