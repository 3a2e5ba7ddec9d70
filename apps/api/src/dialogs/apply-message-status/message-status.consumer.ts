import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { decodeEnvelope, type EventEnvelope, MESSAGE_STATUS_TYPE, MessageStatusData, recordEventType, Topics } from '@crm/contracts';
import { consumerPattern } from '@crm/service-kit';
import { ApplyMessageStatusCommand } from './apply-message-status.command';
import { ApplyMessageStatusUseCase } from './apply-message-status.usecase';

type StatusEnvelope = EventEnvelope<MessageStatusData> | null;

export const MESSAGE_STATUS_CONSUMER_GROUP = 'api.message-status';

/**
 * channels.status.v1 `message.status` → ApplyMessageStatusUseCase (group api.message-status). The topic also carries
 * `channel.health`, which another consumer handles: those records (and anything not recognizably a message status)
 * are skipped here, so a record is never dead-lettered twice. An invalid message.status goes to the DLQ.
 */
@Controller()
export class MessageStatusConsumer {
  constructor(private readonly applyStatus: ApplyMessageStatusUseCase) {}

  @EventPattern(
    Topics.ChannelsStatus,
    consumerPattern<StatusEnvelope>({
      groupId: MESSAGE_STATUS_CONSUMER_GROUP,
      decode: (raw, message) =>
        recordEventType(raw, message.headers) === MESSAGE_STATUS_TYPE ? decodeEnvelope(raw, MessageStatusData, { unknownFields: 'strip' }) : null,
    }),
  )
  async handle(@Payload() value: StatusEnvelope): Promise<void> {
    if (!value) return;
    await this.applyStatus.execute(new ApplyMessageStatusCommand(value.accountId, value.channelId!, value.data));
  }
}
