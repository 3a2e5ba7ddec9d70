import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafkaSecurity, KafkaSecurityError, KafkaSecuritySettings, kafkaSecurity } from './kafka-security';

describe('kafkaSecurity', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-kafka-sec-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA-PEM');
    writeFileSync(join(dir, 'client.pem'), 'CERT-PEM');
    writeFileSync(join(dir, 'client.key'), 'KEY-PEM');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plain: KafkaSecuritySettings = { KAFKA_SSL: false, KAFKA_SSL_REJECT_UNAUTHORIZED: true };

  it('is empty for plaintext without SASL', () => {
    expect(kafkaSecurity(plain)).toEqual({});
    expect(describeKafkaSecurity(plain)).toBe('plaintext, no authentication');
  });

  it('reads the PEM files into the TLS options and passes the SASL credentials', () => {
    const settings: KafkaSecuritySettings = {
      KAFKA_SSL: true, KAFKA_SSL_REJECT_UNAUTHORIZED: true, KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'), KAFKA_SSL_CERT_FILE: join(dir, 'client.pem'),
      KAFKA_SSL_KEY_FILE: join(dir, 'client.key'), KAFKA_SSL_SERVERNAME: 'kafka.internal',
      KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'crm', KAFKA_SASL_PASSWORD: 'the-password',
    };
    const security = kafkaSecurity(settings);
    expect({ ...security.ssl, ca: String(security.ssl?.ca), cert: String(security.ssl?.cert), key: String(security.ssl?.key) }).toEqual({
      rejectUnauthorized: true, ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', servername: 'kafka.internal',
    });
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'crm', password: 'the-password' });
    expect(describeKafkaSecurity(settings)).toBe('TLS (CA file, client certificate), SASL SCRAM-SHA-256 as crm');
    expect(describeKafkaSecurity({ ...settings, KAFKA_SSL_REJECT_UNAUTHORIZED: false, KAFKA_SSL_CA_FILE: undefined })).toContain('certificate NOT verified');
  });

  it('TLS with the system CAs when no CA file is given', () => {
    expect(kafkaSecurity({ ...plain, KAFKA_SSL: true })).toEqual({ ssl: { rejectUnauthorized: true } });
  });

  it('throws a KafkaSecurityError naming the variable for an unreadable file, half a client certificate or missing credentials', () => {
    expect(() => kafkaSecurity({ ...plain, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') })).toThrow(new KafkaSecurityError(`KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'nope.pem')} (ENOENT)`));
    expect(() => kafkaSecurity({ ...plain, KAFKA_SSL: true, KAFKA_SSL_CERT_FILE: join(dir, 'client.pem') })).toThrow(/KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/);
    expect(() => kafkaSecurity({ ...plain, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'crm' })).toThrow(/needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    expect(() => kafkaSecurity({ ...plain, KAFKA_SASL_PASSWORD: 'the-password' })).toThrow(/KAFKA_SASL_MECHANISM is not/);
  });
});
