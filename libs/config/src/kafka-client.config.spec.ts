import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { KafkaClientConfig } from './kafka-client.config';
import { loadConfig } from './load-config';

describe('KafkaClientConfig (TLS, SASL, topic creation)', () => {
  let dir: string;
  let cert: string;
  let key: string;
  let notPem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-kafka-config-'));
    cert = join(dir, 'client.pem');
    key = join(dir, 'client.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = { KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093' };
  const problems = (env: Record<string, string>): Record<string, string[]> => {
    try {
      loadConfig(KafkaClientConfig, { ...base, ...env }, 'demo');
      return {};
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      return Object.fromEntries((err as ConfigValidationError).problems.map((p) => [p.variable, p.problems]));
    }
  };

  it('defaults to plaintext without SASL, verifying certificates, creating topics', () => {
    const config = loadConfig(KafkaClientConfig, base);
    expect(config).toMatchObject({ KAFKA_SSL: false, KAFKA_SSL_REJECT_UNAUTHORIZED: true, KAFKA_CREATE_TOPICS: true, KAFKA_TOPIC_PREFIX: '' });
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
    expect(config.kafkaBrokers).toEqual(['kafka-1:9093', 'kafka-2:9093']);
  });

  it('reads mutual TLS and SCRAM in Kafka\'s spelling (upper case) as kafkajs mechanism names', () => {
    const config = loadConfig(KafkaClientConfig, {
      ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: cert, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key, KAFKA_SSL_SERVERNAME: 'kafka.internal',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'crm', KAFKA_SASL_PASSWORD: 'p@ss', KAFKA_CREATE_TOPICS: 'false',
    });
    expect(config).toMatchObject({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'crm', KAFKA_CREATE_TOPICS: false, KAFKA_SSL_SERVERNAME: 'kafka.internal' });
  });

  it('a mechanism needs a username and a password; credentials need a mechanism', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual({
      KAFKA_SASL_USERNAME: ['KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM'],
      KAFKA_SASL_PASSWORD: ['KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM'],
    });
    expect(problems({ KAFKA_SASL_USERNAME: 'crm', KAFKA_SASL_PASSWORD: 'secret-value' })).toEqual({
      KAFKA_SASL_USERNAME: ['KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not'],
      KAFKA_SASL_PASSWORD: ['KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not'],
    });
    expect(problems({ KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'crm', KAFKA_SASL_PASSWORD: 'x' })).toEqual({
      KAFKA_SASL_MECHANISM: ['KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512'],
    });
  });

  it('certificate files must be readable PEM, belong together and need KAFKA_SSL=true', () => {
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).toEqual({ KAFKA_SSL_CA_FILE: [`KAFKA_SSL_CA_FILE cannot read ${join(dir, 'missing.pem')} (ENOENT)`] });
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem })).toEqual({ KAFKA_SSL_CA_FILE: [`KAFKA_SSL_CA_FILE ${notPem} is not a PEM certificate`] });
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: cert })).toEqual({ KAFKA_SSL_KEY_FILE: [`KAFKA_SSL_KEY_FILE ${cert} is not a PEM private key (an unencrypted one)`] });
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert })).toEqual({ KAFKA_SSL_CERT_FILE: ['KAFKA_SSL_CERT_FILE is set but KAFKA_SSL_KEY_FILE is not'] });
    expect(problems({ KAFKA_SSL_CA_FILE: cert })).toEqual({ KAFKA_SSL_CA_FILE: ['KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true'] });
    expect(problems({ KAFKA_SSL: 'maybe', KAFKA_CREATE_TOPICS: 'sometimes' })).toEqual({
      KAFKA_SSL: ['KAFKA_SSL must be a boolean value'],
      KAFKA_CREATE_TOPICS: ['KAFKA_CREATE_TOPICS must be a boolean value'],
    });
  });

  it('never puts the password into the error message', () => {
    const password = 'Sup3r-Secret-Pa55';
    try {
      loadConfig(KafkaClientConfig, { ...base, KAFKA_SASL_USERNAME: 'crm', KAFKA_SASL_PASSWORD: password, KAFKA_SASL_MECHANISM: 'kerberos' }, 'demo');
      throw new Error('expected a ConfigValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect(JSON.stringify({ message: (err as Error).message, problems: (err as ConfigValidationError).problems })).not.toContain(password);
    }
  });
});
