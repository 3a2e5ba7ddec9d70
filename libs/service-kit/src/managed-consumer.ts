import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConsumerRunner, ConsumerRunnerOptions, EventProducer, KafkaConnection } from '@crm/messaging';
import { classifyConsumerError } from './error-disposition';
import { LOGGER } from './tokens';

/**
 * Base for a Nest provider that owns one Kafka consumer: starts after the app is bootstrapped, stops (drains and
 * commits) in onModuleDestroy — before the producer and the database close. Subclasses only translate messages into
 * use-case commands.
 */
@Injectable()
export abstract class ManagedConsumer<T> implements OnApplicationBootstrap, OnModuleDestroy {
  protected runner?: ConsumerRunner<T>;

  @Inject(KafkaConnection) protected readonly connection!: KafkaConnection;
  @Inject(EventProducer) protected readonly producer!: EventProducer;
  @Inject(LOGGER) protected readonly logger!: Logger;

  /** groupId, topics, decode, handle (and optionally handleBatch...). classifyError defaults to classifyConsumerError. */
  protected abstract consumerOptions(): ConsumerRunnerOptions<T>;

  get paused(): boolean {
    return this.runner?.paused ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    const options = this.consumerOptions();
    this.runner = new ConsumerRunner<T>(
      this.connection,
      {
        classifyError: classifyConsumerError,
        logger: {
          info: (o, m) => this.logger.info({ ...o, group: options.groupId }, m),
          warn: (o, m) => this.logger.warn({ ...o, group: options.groupId }, m),
          error: (o, m) => this.logger.error({ ...o, group: options.groupId }, m),
        },
        ...options,
      },
      this.producer,
    );
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
