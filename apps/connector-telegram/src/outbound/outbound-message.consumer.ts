import { Inject, Injectable } from '@nestjs/common';
import { decodeEnvelope, type EventEnvelope, HEADER_CORRELATION_ID, OutboundMessageData, Topics } from '@crm/contracts';
import type { ConsumedMessage, ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { SendOutboundMessageUseCase } from '../send-outbound-message/send-outbound-message.usecase';

export const OUTBOUND_CONSUMER_GROUP = 'connector-telegram.outbound';

/** A record of channels.outbound.v1: a Telegram send command, or another channel type's (skipped). */
type OutboundRecord = EventEnvelope<OutboundMessageData> | null;

/**
 * channels.outbound.v1 for Telegram channels (group connector-telegram.outbound). Other channel types are skipped
 * after a peek at `data.channelType`, before any validation. A run of records from one partition is sent chat by
 * chat — each chat in order, different chats concurrently — and committed once all are handled; if anything in the
 * run fails, the runner replays it one by one and the delivery log keeps already-sent replies from going out twice.
 */
@Injectable()
export class OutboundMessageConsumer extends ManagedConsumer<OutboundRecord> {
  constructor(
    private readonly send: SendOutboundMessageUseCase,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
  ) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<OutboundRecord> {
    return {
      groupId: OUTBOUND_CONSUMER_GROUP,
      topics: [Topics.ChannelsOutbound],
      decode: (raw) => (peekChannelType(raw) === 'telegram' ? decodeEnvelope(raw, OutboundMessageData) : null),
      handle: (message) => this.handle(message),
      handleBatch: async (messages) => {
        const byChat = new Map<string, ConsumedMessage<OutboundRecord>[]>();
        for (const m of messages) {
          if (!m.value) continue;
          const chat = byChat.get(m.key ?? '');
          if (chat) chat.push(m);
          else byChat.set(m.key ?? '', [m]);
        }
        await Promise.all([...byChat.values()].map(async (chat) => {
          for (const m of chat) await this.handle(m);
        }));
      },
      maxBatchSize: 100,
      partitionsConsumedConcurrently: 6,
      // A send may legitimately wait (429 retry_after, Telegram unreachable) longer than the default 30 s.
      sessionTimeoutMs: Math.max(30_000, this.config.TELEGRAM_SEND_RETRY_WINDOW_MS + 30_000),
    };
  }

  private async handle(message: ConsumedMessage<OutboundRecord>): Promise<void> {
    const envelope = message.value;
    if (!envelope) return;
    await this.send.execute({
      accountId: envelope.accountId,
      channelId: envelope.channelId!,
      message: envelope.data,
      correlationId: message.headers[HEADER_CORRELATION_ID],
    });
  }
}

function peekChannelType(raw: Buffer | null): string | undefined {
  if (!raw || raw.length === 0) return undefined;
  try {
    const channelType = (JSON.parse(raw.toString('utf8')) as { data?: { channelType?: unknown } })?.data?.channelType;
    return typeof channelType === 'string' ? channelType : undefined;
  } catch {
    return undefined;
  }
}
