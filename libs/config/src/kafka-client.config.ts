import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { IsBrokerList, IsPemFile, RequiresSet, RequiresTrue, toBool } from './validators';

/** SASL mechanisms the Kafka client speaks (kafkajs names; the env accepts Kafka's upper-case spelling too). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const toLowerCase = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/**
 * How a process reaches Kafka (DESIGN §2 KAFKA_BROKERS / KAFKA_TOPIC_PREFIX, plus TLS, SASL and topic creation for
 * managed clusters, docs/kafka.md). Every service has it through BaseServiceConfig; tools load it on its own.
 * Validated at boot: a mechanism without credentials or an unreadable certificate file stops the process with a
 * message naming the variable (never its value).
 */
export class KafkaClientConfig {
  @IsBrokerList()
  KAFKA_BROKERS!: string;

  /** Namespaces every topic and consumer group; may be empty. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX: string = '';

  /** TLS to the brokers (SSL or SASL_SSL listeners). */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL: boolean = false;

  /** PEM CA bundle that signed the brokers' certificates; the system's CAs when unset. */
  @IsOptional()
  @RequiresTrue('KAFKA_SSL')
  @IsPemFile('certificate')
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE). */
  @IsOptional()
  @RequiresTrue('KAFKA_SSL')
  @RequiresSet('KAFKA_SSL_KEY_FILE')
  @IsPemFile('certificate')
  KAFKA_SSL_CERT_FILE?: string;

  /** PEM private key (unencrypted) of KAFKA_SSL_CERT_FILE. */
  @IsOptional()
  @RequiresTrue('KAFKA_SSL')
  @RequiresSet('KAFKA_SSL_CERT_FILE')
  @IsPemFile('private key')
  KAFKA_SSL_KEY_FILE?: string;

  /** TLS server name (SNI and the name the broker certificate must carry) when it differs from the broker host. */
  @IsOptional()
  @RequiresTrue('KAFKA_SSL')
  @IsString()
  @IsNotEmpty()
  KAFKA_SSL_SERVERNAME?: string;

  /** false accepts any broker certificate (testing only: no protection against a man in the middle). */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean = true;

  @IsOptional()
  @Transform(toLowerCase)
  @IsIn(KAFKA_SASL_MECHANISMS, { message: 'KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512' })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf((c: KafkaClientConfig) => c.KAFKA_SASL_MECHANISM !== undefined || c.KAFKA_SASL_USERNAME !== undefined)
  @IsNotEmpty({ message: 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM' })
  @RequiresSet('KAFKA_SASL_MECHANISM')
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: KafkaClientConfig) => c.KAFKA_SASL_MECHANISM !== undefined || c.KAFKA_SASL_PASSWORD !== undefined)
  @IsNotEmpty({ message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM' })
  @RequiresSet('KAFKA_SASL_MECHANISM')
  KAFKA_SASL_PASSWORD?: string;

  /**
   * Create missing topics at boot (TOPIC_SPECS). false for clusters where apps may not create topics: the process
   * then only checks that every topic exists with its partitions and cleanup policy, and refuses to start otherwise.
   */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_CREATE_TOPICS: boolean = true;

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  }
}
