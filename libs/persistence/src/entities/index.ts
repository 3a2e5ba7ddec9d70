import { AccountEntity } from './account.entity';
import { AuditLogEntity } from './audit-log.entity';
import { AvitoAccessTokenEntity } from './avito-access-token.entity';
import { ChannelEntity } from './channel.entity';
import { ClientIdentityEntity } from './client-identity.entity';
import { ClientMergeEntity } from './client-merge.entity';
import { ClientEntity } from './client.entity';
import { DialogEntity } from './dialog.entity';
import { EventTicketEntity } from './event-ticket.entity';
import { FunnelStageEntity } from './funnel-stage.entity';
import { FunnelEntity } from './funnel.entity';
import { IntegrationRateLimitEntity } from './integration-rate-limit.entity';
import { IntegrationSyncJobEntity } from './integration-sync-job.entity';
import { IntegrationEntity } from './integration.entity';
import { LeadEntity } from './lead.entity';
import { LeaseEntity } from './lease.entity';
import { LiveEventEntity } from './live-event.entity';
import { MessageRevisionEntity } from './message-revision.entity';
import { MessageEntity } from './message.entity';
import { OutboundDeliveryEntity } from './outbound-delivery.entity';
import { OutboxEntity } from './outbox.entity';
import { ProcessedEventEntity } from './processed-event.entity';
import { SendRateLimitEntity } from './send-rate-limit.entity';
import { TelegramAlbumPartEntity } from './telegram-album-part.entity';
import { ReplyRequestEntity } from './reply-request.entity';
import { VkMessagePermissionEntity } from './vk-message-permission.entity';
import { VkSendRandomIdEntity } from './vk-send-random-id.entity';
import { VkSendSequenceEntity } from './vk-send-sequence.entity';

export {
  AccountEntity,
  AuditLogEntity,
  AvitoAccessTokenEntity,
  ChannelEntity,
  ClientEntity,
  ClientIdentityEntity,
  ClientMergeEntity,
  DialogEntity,
  EventTicketEntity,
  FunnelEntity,
  FunnelStageEntity,
  IntegrationEntity,
  IntegrationRateLimitEntity,
  IntegrationSyncJobEntity,
  LeadEntity,
  LeaseEntity,
  LiveEventEntity,
  MessageEntity,
  MessageRevisionEntity,
  OutboundDeliveryEntity,
  OutboxEntity,
  ProcessedEventEntity,
  ReplyRequestEntity,
  SendRateLimitEntity,
  TelegramAlbumPartEntity,
  VkMessagePermissionEntity,
  VkSendRandomIdEntity,
  VkSendSequenceEntity,
};
export type { MessageAttachment } from './message.entity';

export const ALL_ENTITIES = [
  AccountEntity,
  IntegrationEntity,
  FunnelEntity,
  FunnelStageEntity,
  ChannelEntity,
  ClientEntity,
  ClientIdentityEntity,
  DialogEntity,
  LeadEntity,
  MessageEntity,
  MessageRevisionEntity,
  OutboxEntity,
  IntegrationSyncJobEntity,
  IntegrationRateLimitEntity,
  ProcessedEventEntity,
  TelegramAlbumPartEntity,
  LiveEventEntity,
  EventTicketEntity,
  OutboundDeliveryEntity,
  AvitoAccessTokenEntity,
  VkSendSequenceEntity,
  VkSendRandomIdEntity,
  VkMessagePermissionEntity,
  AuditLogEntity,
  LeaseEntity,
  SendRateLimitEntity,
  ClientMergeEntity,
  ReplyRequestEntity,
];
