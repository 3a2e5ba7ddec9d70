import { Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import {
  decodeEnvelope,
  EventEnvelope,
  HEADER_EVENT_TYPE,
  MESSAGE_STATUS_TYPE,
  MessageStatusData,
  readHeader,
  Topics,
} from '@crm/contracts';
import type { ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { ApplyMessageStatusCommand } from './apply-message-status.command';
import { ApplyMessageStatusUseCase } from './apply-message-status.usecase';

type StatusEnvelope = EventEnvelope<MessageStatusData> | null;

/** The envelope type of a record: the x-event-type header, else the value's `type` (null when neither is readable). */
function eventTypeOf(raw: Buffer | null, message: KafkaMessage): string | null {
  const header = readHeader(message.headers as never, HEADER_EVENT_TYPE);
  if (header) return header;
  try {
    const parsed = JSON.parse(raw?.toString('utf8') ?? 'null') as { type?: unknown } | null;
    return typeof parsed?.type === 'string' ? parsed.type : null;
  } catch {
    return null;
  }
}

/**
 * channels.status.v1 `message.status` → ApplyMessageStatusUseCase (group api.message-status). The topic also carries
 * `channel.health`, which another consumer handles: those records (and anything not recognizably a message status)
 * are skipped here, so a record is never dead-lettered twice. An invalid message.status goes to the DLQ.
 */
@Injectable()
export class MessageStatusConsumer extends ManagedConsumer<StatusEnvelope> {
  constructor(private readonly applyStatus: ApplyMessageStatusUseCase) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<StatusEnvelope> {
    return {
      groupId: 'api.message-status',
      topics: [Topics.ChannelsStatus],
      decode: (raw, message) => (eventTypeOf(raw, message) === MESSAGE_STATUS_TYPE ? decodeEnvelope(raw, MessageStatusData) : null),
      handle: async ({ value }) => {
        if (!value) return;
        await this.applyStatus.execute(new ApplyMessageStatusCommand(value.accountId, value.channelId!, value.data));
      },
    };
  }
}
