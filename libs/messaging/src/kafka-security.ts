import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * The TLS/SASL variables of KafkaClientConfig (@crm/config, validated at boot), as plain fields: structural, so
 * this library does not depend on the config library and a tool can pass any object of that shape.
 */
export interface KafkaSecuritySettings {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SSL_SERVERNAME?: string;
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

/** What kafkajs gets: `ssl` (TLS options, files already read) and `sasl` (mechanism + credentials). */
export interface KafkaSecurity {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

/** A TLS/SASL setting that cannot work (a file that cannot be read, a mechanism without credentials). */
export class KafkaSecurityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaSecurityError';
  }
}

/** Builds the kafkajs TLS/SASL options from the settings, reading the PEM files once. */
export function kafkaSecurity(settings: KafkaSecuritySettings): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (settings.KAFKA_SSL) {
    security.ssl = {
      rejectUnauthorized: settings.KAFKA_SSL_REJECT_UNAUTHORIZED,
      ...(settings.KAFKA_SSL_CA_FILE ? { ca: readPem('KAFKA_SSL_CA_FILE', settings.KAFKA_SSL_CA_FILE) } : {}),
      ...(settings.KAFKA_SSL_CERT_FILE ? { cert: readPem('KAFKA_SSL_CERT_FILE', settings.KAFKA_SSL_CERT_FILE) } : {}),
      ...(settings.KAFKA_SSL_KEY_FILE ? { key: readPem('KAFKA_SSL_KEY_FILE', settings.KAFKA_SSL_KEY_FILE) } : {}),
      ...(settings.KAFKA_SSL_SERVERNAME ? { servername: settings.KAFKA_SSL_SERVERNAME } : {}),
    };
    if (!security.ssl.cert !== !security.ssl.key) throw new KafkaSecurityError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)');
  }
  const mechanism = settings.KAFKA_SASL_MECHANISM;
  if (mechanism) {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
    if (!username || !password) throw new KafkaSecurityError(`KAFKA_SASL_MECHANISM ${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    security.sasl = { mechanism, username, password } as SASLOptions;
  } else if (settings.KAFKA_SASL_USERNAME || settings.KAFKA_SASL_PASSWORD) {
    throw new KafkaSecurityError('KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not');
  }
  return security;
}

/** One line for logs and startup banners: what is used, never a secret (e.g. `TLS (CA file), SASL SCRAM-SHA-256 as crm`). */
export function describeKafkaSecurity(settings: KafkaSecuritySettings): string {
  const parts: string[] = [];
  if (settings.KAFKA_SSL) {
    const extras = [settings.KAFKA_SSL_CA_FILE ? 'CA file' : 'system CAs', settings.KAFKA_SSL_CERT_FILE ? 'client certificate' : '', settings.KAFKA_SSL_REJECT_UNAUTHORIZED ? '' : 'certificate NOT verified'];
    parts.push(`TLS (${extras.filter(Boolean).join(', ')})`);
  }
  if (settings.KAFKA_SASL_MECHANISM) parts.push(`SASL ${settings.KAFKA_SASL_MECHANISM.toUpperCase()} as ${settings.KAFKA_SASL_USERNAME ?? '?'}`);
  return parts.length > 0 ? parts.join(', ') : 'plaintext, no authentication';
}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new KafkaSecurityError(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
