import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const execFileAsync = promisify(execFile);

export interface KafkaSaslUser {
  username: string;
  password: string;
}

/** A SASL_SSL listener for startLocalKafka: a self-signed certificate (keytool) and SASL users. */
export interface SecureListenerOptions {
  /** Users with SCRAM-SHA-256 and SCRAM-SHA-512 credentials, written into the cluster metadata at format time. */
  scramUsers?: KafkaSaslUser[];
  /** Users of the PLAIN mechanism (the listener's JAAS config). */
  plainUsers?: KafkaSaslUser[];
  port?: number;
  /**
   * Enforce ACLs (KRaft StandardAuthorizer): the SASL users may do only what ACLs allow them; the PLAINTEXT listener's
   * ANONYMOUS principal is a super user (the broker itself, and tests that play the operator granting ACLs).
   */
  authorizer?: boolean;
  /**
   * PEM CA of client certificates (mutual TLS): the listener then asks for a client certificate and refuses one this
   * CA did not sign (`ssl.client.auth=requested`: clients without one still authenticate by SASL alone).
   */
  clientCaFile?: string;
}

/** What a client needs to reach the SASL_SSL listener. */
export interface SecureListener {
  /** `127.0.0.1:<port>` of the SASL_SSL listener (the certificate names 127.0.0.1 and localhost). */
  brokers: string[];
  /** PEM of the broker's self-signed certificate: the CA file of a client (KAFKA_SSL_CA_FILE). */
  caFile: string;
  /** The same certificate in a PKCS12 truststore (Java clients), password `storePassword`. */
  truststoreFile: string;
  storePassword: string;
}

export interface PreparedSecureListener {
  listener: SecureListener;
  port: number;
  /** server.properties lines of the listener (appended after the PLAINTEXT ones). */
  properties: string[];
  /** Extra `kafka-storage format` arguments (the SCRAM credentials). */
  formatArgs: string[];
}

export interface SelfSignedCertificate {
  /** PKCS12 keystore with the key pair (alias `alias`). */
  keystoreFile: string;
  /** The certificate as PEM. */
  pemFile: string;
}

/**
 * A self-signed RSA certificate for 127.0.0.1 / localhost made with the JDK's keytool, as a PKCS12 keystore and a PEM
 * export (a test's "wrong CA" is simply another one of these).
 */
export async function selfSignedCertificate(dir: string, alias: string, storePassword: string): Promise<SelfSignedCertificate> {
  mkdirSync(dir, { recursive: true });
  const keystoreFile = join(dir, `${alias}.p12`);
  const pemFile = join(dir, `${alias}.pem`);
  await execFileAsync('keytool', [
    '-genkeypair', '-alias', alias, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '30',
    '-dname', `CN=${alias}`, '-ext', 'SAN=ip:127.0.0.1,dns:localhost',
    '-storetype', 'PKCS12', '-keystore', keystoreFile, '-storepass', storePassword, '-keypass', storePassword,
  ]);
  await execFileAsync('keytool', ['-exportcert', '-rfc', '-alias', alias, '-keystore', keystoreFile, '-storepass', storePassword, '-file', pemFile]);
  return { keystoreFile, pemFile };
}

/**
 * Certificates, port, properties and format arguments of a SASL_SSL listener in `dir`. Passwords go into a
 * `--add-scram` argument and the JAAS config as they are: keep them to letters, digits and `-`.
 */
export async function prepareSecureListener(dir: string, options: SecureListenerOptions): Promise<PreparedSecureListener> {
  const storePassword = 'crm-test-store';
  const tlsDir = join(dir, 'tls');
  const certificate = await selfSignedCertificate(tlsDir, 'broker', storePassword);
  const truststoreFile = join(tlsDir, 'truststore.p12');
  await execFileAsync('keytool', ['-importcert', '-noprompt', '-alias', 'broker', '-file', certificate.pemFile, '-storetype', 'PKCS12', '-keystore', truststoreFile, '-storepass', storePassword]);
  const clientTruststore = join(tlsDir, 'client-ca.p12');
  if (options.clientCaFile) {
    await execFileAsync('keytool', ['-importcert', '-noprompt', '-alias', 'client-ca', '-file', options.clientCaFile, '-storetype', 'PKCS12', '-keystore', clientTruststore, '-storepass', storePassword]);
  }
  const port = options.port ?? (await freePort());
  const jaasValue = (v: string) => JSON.stringify(v);
  const plainUsers = (options.plainUsers ?? []).map((u) => `user_${u.username}=${jaasValue(u.password)}`).join(' ');
  const prefix = 'listener.name.sasl_ssl';
  return {
    listener: { brokers: [`127.0.0.1:${port}`], caFile: certificate.pemFile, truststoreFile, storePassword },
    port,
    properties: [
      `${prefix}.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512`,
      `${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
      `${prefix}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      `${prefix}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      `${prefix}.ssl.keystore.type=PKCS12`,
      `${prefix}.ssl.keystore.location=${certificate.keystoreFile}`,
      `${prefix}.ssl.keystore.password=${storePassword}`,
      `${prefix}.ssl.key.password=${storePassword}`,
      ...(options.clientCaFile
        ? [`${prefix}.ssl.client.auth=requested`, `${prefix}.ssl.truststore.type=PKCS12`, `${prefix}.ssl.truststore.location=${clientTruststore}`, `${prefix}.ssl.truststore.password=${storePassword}`]
        : []),
      ...(options.authorizer ? ['authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users=User:ANONYMOUS'] : []),
    ],
    formatArgs: (options.scramUsers ?? []).flatMap((u) =>
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u.username},password=${u.password}]`]),
    ),
  };
}
