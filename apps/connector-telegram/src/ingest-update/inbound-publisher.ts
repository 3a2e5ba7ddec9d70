import { Inject, Injectable } from '@nestjs/common';
import { chatKey, createEnvelope, encodeEnvelope, eventHeaders, type InboundMessageData, Topics } from '@crm/contracts';
import { EventProducer, type OutgoingMessage } from '@crm/messaging';
import type { TelegramChannelState } from '@crm/platform-telegram';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';

/** Kafka did not confirm the message in time (or refused it): the webhook must answer 5xx so Telegram re-delivers. */
export class InboundNotStoredError extends Error {
  constructor(cause: unknown) {
    super(`inbound message not stored on Kafka: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'InboundNotStoredError';
  }
}

interface Waiting {
  records: OutgoingMessage[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Puts normalized messages on channels.inbound.v1 (key `channelId:externalChatId`, so one chat stays in order) and
 * resolves only once Kafka has them with acks=all — or rejects after TELEGRAM_PRODUCE_TIMEOUT_MS. A late success after
 * the timeout is harmless: Telegram re-delivers, the message id is stable and lead-routing stores it once.
 *
 * Records of concurrent webhook calls are gathered for TELEGRAM_PRODUCE_LINGER_MS and produced as one batch, in call
 * order: on a busy endpoint a produce request per update costs the connector and the broker several times the CPU of
 * the whole rest of the path, and waiting a couple of milliseconds for company makes the tail shorter, not longer.
 */
@Injectable()
export class InboundPublisher {
  private waiting: Waiting[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly producer: EventProducer,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
  ) {}

  /** Validates against the contract and encodes; throws ContractViolationError for a message consumers would reject. */
  encode(channel: Pick<TelegramChannelState, 'channelId' | 'accountId'>, data: InboundMessageData, correlationId?: string): OutgoingMessage {
    const envelope = createEnvelope('message.inbound', data, { accountId: channel.accountId, channelId: channel.channelId });
    return { key: chatKey(channel.channelId, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) };
  }

  async publish(records: OutgoingMessage[]): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    const stored = new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.config.TELEGRAM_PRODUCE_LINGER_MS);
    });
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no acknowledgement within ${this.config.TELEGRAM_PRODUCE_TIMEOUT_MS} ms`)), this.config.TELEGRAM_PRODUCE_TIMEOUT_MS);
    });
    try {
      await Promise.race([stored, timeout]);
    } catch (err) {
      throw new InboundNotStoredError(err);
    } finally {
      clearTimeout(deadline);
    }
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.timer = undefined;
    this.producer.send(Topics.ChannelsInbound, batch.flatMap((w) => w.records)).then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }
}
