import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit, Optional, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TOPIC_SPECS } from '@crm/contracts';
import { BaseServiceConfig } from '@crm/config';
import { EventProducer, KafkaConnection, kafkaConnectionFromConfig, KafkaHealthProbe, prepareTopics } from '@crm/messaging';
import { createDataSource } from '@crm/persistence';
import { OutboxRelay } from '@crm/outbox';
import { DatabaseHealthProbe } from './database-health.probe';
import { HealthController } from './health.controller';
import { ServiceReadiness } from './readiness';
import { MetricsController } from './metrics.controller';
import { LOGGER, SERVICE_CONFIG, SERVICE_NAME, SERVICE_OPTIONS } from './tokens';

export interface ServiceKitOptions {
  service: string;
  config: BaseServiceConfig;
  logger: Logger;
  /** Create missing topics at boot (idempotent), or check them when KAFKA_CREATE_TOPICS=false. Default true. */
  ensureTopics?: boolean;
  poolSize?: number;
  /** Run the transactional-outbox relay in this process (apps that write to the outbox). */
  outboxRelay?: boolean;
}

/**
 * Closes the shared infrastructure last, after every consumer has drained (consumers stop in onModuleDestroy):
 * producer → Kafka admin → database.
 */
@Injectable()
class InfrastructureLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly connection: KafkaConnection,
    private readonly producer: EventProducer,
    private readonly probe: KafkaHealthProbe,
    private readonly dataSource: DataSource,
    @Optional() private readonly outboxRelay?: OutboxRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.outboxRelay?.start();
  }

  async onModuleInit(): Promise<void> {
    if (this.options.ensureTopics !== false) {
      const created = await prepareTopics(
        this.connection,
        TOPIC_SPECS.map((s) => ({
          name: s.name,
          partitions: s.partitions,
          compacted: s.compacted,
          config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])),
        })),
        { create: this.config.KAFKA_CREATE_TOPICS },
      );
      if (created.length > 0) this.logger.info({ topics: created }, 'created Kafka topics');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outboxRelay?.stop();
    await this.producer.disconnect().catch((err) => this.logger.warn({ err }, 'producer disconnect failed'));
    await this.probe.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info({ service: this.options.service, prefix: this.config.KAFKA_TOPIC_PREFIX }, 'infrastructure closed');
  }
}

/**
 * Everything an app shares: config, logger, Kafka connection + producer, TypeORM DataSource, the database health
 * probe, readiness state, /health (live, ready) and /metrics.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { config } = options;
    const providers: Provider[] = [
      { provide: SERVICE_OPTIONS, useValue: options },
      { provide: SERVICE_NAME, useValue: options.service },
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: config.constructor, useValue: config },
      { provide: LOGGER, useValue: options.logger },
      {
        provide: KafkaConnection,
        useFactory: async () => {
          // Brokers, prefix, TLS and SASL from the config; an untrusted broker certificate fails here, at once.
          const connection = kafkaConnectionFromConfig(config, {
            clientId: `${options.service}${config.SERVICE_INSTANCE_ID ? `-${config.SERVICE_INSTANCE_ID}` : ''}`,
            log: (level, message, extra) => options.logger[level]({ kafka: extra }, message),
          });
          await connection.verifyTls();
          return connection;
        },
      },
      {
        provide: EventProducer,
        inject: [KafkaConnection],
        useFactory: async (connection: KafkaConnection) => {
          const producer = new EventProducer(connection);
          await producer.connect();
          return producer;
        },
      },
      { provide: KafkaHealthProbe, inject: [KafkaConnection], useFactory: (c: KafkaConnection) => new KafkaHealthProbe(c) },
      {
        provide: DataSource,
        useFactory: async () => {
          const dataSource = createDataSource({ url: config.DATABASE_URL, applicationName: options.service, poolSize: options.poolSize });
          await dataSource.initialize();
          return dataSource;
        },
      },
      { provide: DatabaseHealthProbe, inject: [DataSource], useFactory: (dataSource: DataSource) => new DatabaseHealthProbe(dataSource) },
      ServiceReadiness,
      InfrastructureLifecycle,
    ];
    if (options.outboxRelay) {
      providers.push({
        provide: OutboxRelay,
        inject: [DataSource, EventProducer],
        useFactory: (dataSource: DataSource, producer: EventProducer) =>
          new OutboxRelay(dataSource, producer, {
            databaseUrl: config.DATABASE_URL,
            log: { warn: (o, m) => options.logger.warn(o, m), error: (o, m) => options.logger.error(o, m) },
          }),
      });
    }
    return {
      module: ServiceKitModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers,
      exports: [SERVICE_NAME, SERVICE_CONFIG, config.constructor, LOGGER, KafkaConnection, EventProducer, KafkaHealthProbe, DataSource, DatabaseHealthProbe, ServiceReadiness, ...(options.outboxRelay ? [OutboxRelay] : [])],
    };
  }
}
