import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';
import { ClientIdentityEntity } from './client-identity.entity';
import { ClientEntity } from './client.entity';
import { DialogEntity } from './dialog.entity';
import { FunnelStageEntity } from './funnel-stage.entity';
import { FunnelEntity } from './funnel.entity';
import { IntegrationSyncJobEntity } from './integration-sync-job.entity';
import { IntegrationEntity } from './integration.entity';
import { LeadEntity } from './lead.entity';
import { MessageRevisionEntity } from './message-revision.entity';
import { MessageEntity } from './message.entity';
import { OutboxEntity } from './outbox.entity';
import { ProcessedEventEntity } from './processed-event.entity';
import { TelegramAlbumPartEntity } from './telegram-album-part.entity';

export {
  AccountEntity,
  ChannelEntity,
  ClientEntity,
  ClientIdentityEntity,
  DialogEntity,
  FunnelEntity,
  FunnelStageEntity,
  IntegrationEntity,
  IntegrationSyncJobEntity,
  LeadEntity,
  MessageEntity,
  MessageRevisionEntity,
  OutboxEntity,
  ProcessedEventEntity,
  TelegramAlbumPartEntity,
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
  ProcessedEventEntity,
  TelegramAlbumPartEntity,
];
