import { IsIn } from 'class-validator';
import { BaseServiceConfig } from './base-service.config';
import { ConfigValidationError } from './config-validation.error';
import { declaredVariables, loadConfig, requiredVariables } from './load-config';
import { WithJwtSecret, WithSecretsKey, WithTelegramApiRoot } from './shared-variables';

class DemoConfig extends WithTelegramApiRoot(WithJwtSecret(WithSecretsKey(BaseServiceConfig))) {
  override PORT = 3999;
  @IsIn(['webhook', 'polling'])
  MODE: 'webhook' | 'polling' = 'webhook';
}

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  AUTH_JWT_SECRET: 'a-long-enough-secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(DemoConfig, env, 'demo');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).toContain('Invalid configuration for demo');
    return (err as ConfigValidationError).problems.map((p) => p.variable).sort();
  }
  return [];
}

describe('loadConfig', () => {
  it('builds a typed config with defaults and derived values', () => {
    const config = loadConfig(DemoConfig, { ...valid, PORT: '4000', UNRELATED: 'x' });
    expect(config).toBeInstanceOf(DemoConfig);
    expect(config.PORT).toBe(4000);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka-2:9092']);
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.KAFKA_TOPIC_PREFIX).toBe('');
    expect(config.MODE).toBe('webhook');
    expect((config as unknown as Record<string, unknown>).UNRELATED).toBeUndefined();
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x@y/z' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://host-without-db' }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: undefined }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'kafka' }],
    ['SECRETS_KEY', { SECRETS_KEY: Buffer.alloc(16).toString('base64') }],
    ['SECRETS_KEY', { SECRETS_KEY: 'not base64!' }],
    ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'short' }],
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '70000' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: 'http://fake/' }],
    ['KAFKA_TOPIC_PREFIX', { KAFKA_TOPIC_PREFIX: 'bad prefix' }],
    ['MODE', { MODE: 'push' }],
  ])('names %s when it is missing or malformed (%j)', (variable, patch) => {
    const env = { ...valid, ...patch } as Record<string, string>;
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete env[k];
    expect(problemsOf(env)).toEqual([variable]);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual(['AUTH_JWT_SECRET', 'DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'SECRETS_KEY']);
  });

  it('treats an empty string as unset so the default applies', () => {
    expect(loadConfig(DemoConfig, { ...valid, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('lists declared and required variables (used by the compose consistency test)', () => {
    // SECRETS_KEY is conditional (SECRETS_KEYS may replace it); loading without either still fails (above).
    expect(requiredVariables(DemoConfig)).toEqual(['AUTH_JWT_SECRET', 'DATABASE_URL', 'KAFKA_BROKERS']);
    expect(declaredVariables(DemoConfig)).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'KAFKA_TOPIC_PREFIX', 'TELEGRAM_API_ROOT', 'MODE', 'SERVICE_INSTANCE_ID']),
    );
  });
});
