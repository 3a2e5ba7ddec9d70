import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsNotEmpty, IsString, IsUUID, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import {
  CLIENT_MATCH_RULES,
  CRM_EVENT_KINDS,
  ClientMatchRule,
  CrmEventKind,
  LEAD_STATUSES,
  LeadStatus,
  MESSAGE_STATUSES,
  MessageStatus,
  SYNC_ENTITIES,
  SYNC_RECORD_STATES,
  SyncEntity,
  SyncRecordState,
} from '../enums';
import { Optional } from '../validation';

/** Envelope `type` of every CRM event on crm.events.v1; what happened is `data.kind`. */
export const CRM_EVENT_TYPE = 'crm.event';
/** Current envelope `version` of CRM_EVENT_TYPE. */
export const CRM_EVENT_VERSION = 1;

const kindIn =
  (...kinds: CrmEventKind[]) =>
  (o: CrmEventData): boolean =>
    kinds.includes(o.kind);

/** Kinds that must name a client. */
export const CRM_KINDS_WITH_CLIENT: readonly CrmEventKind[] = Object.freeze(['client.created', 'client.matched', 'client.merged', 'client.erased']);
/** Kinds that must name a lead. */
export const CRM_KINDS_WITH_LEAD: readonly CrmEventKind[] = Object.freeze(['lead.created', 'lead.linked', 'lead.updated']);
/** Kinds that must name a message. */
export const CRM_KINDS_WITH_MESSAGE: readonly CrmEventKind[] = Object.freeze([
  'message.received',
  'message.sent',
  'message.status',
  'message.edited',
  'message.deleted',
]);

/** A sync record's new state towards one external CRM (`sync` of a sync.updated event, DESIGN §7a). */
export class CrmSyncChange {
  @IsUUID('all')
  integrationId: string;

  /** The sync record's id. */
  @IsUUID('all')
  recordId: string;

  @IsIn(SYNC_ENTITIES)
  entity: SyncEntity;

  /** The client / lead / message id. */
  @IsUUID('all')
  entityId: string;

  /** The lead the record belongs to (absent for a client record). */
  @Optional()
  @IsUUID('all')
  leadId?: string;

  @IsIn(SYNC_RECORD_STATES)
  state: SyncRecordState;

  /** The record's id in the CRM (synced). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  externalId?: string;

  /** Stable error code (failed). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  error?: string;

  @IsInt()
  @Min(0)
  attempts: number;
}

/**
 * One CRM event (`data` of a `crm.event` envelope on crm.events.v1, key = dialogId). The envelope carries accountId
 * and channelId. Which ids are required depends on `kind`:
 * - client.created / client.matched → `clientId` (client.matched also `matchRule`);
 * - client.merged → `clientId` (the survivor) and `mergedClientId` (gone), keyed by a dialog of the survivor (with its `leadId`);
 * - client.erased → `clientId` (its row is gone), keyed by a dialog it had (with the dialog's `leadId`); ids only;
 * - lead.created / lead.linked → `leadId` (and `clientId` when the lead has a client);
 * - lead.updated → `leadId` and the lead's `leadStatus` after the change (with `funnelId` / `stageId` when it has them);
 * - message.received / message.sent / message.status / message.edited / message.deleted → `messageId`
 *   (message.status also `status`);
 * - dialog.opened / dialog.closed → only `dialogId`;
 * - sync.updated → `sync` (the integrations service forwarded a record to a CRM or gave up on it).
 * Other ids may be given for context (e.g. `clientId` on message.received when the dialog has a client).
 */
export class CrmEventData {
  @IsIn(CRM_EVENT_KINDS)
  kind: CrmEventKind;

  @IsUUID('all')
  dialogId: string;

  @ValidateIf((o: CrmEventData) => o.clientId !== undefined || kindIn(...CRM_KINDS_WITH_CLIENT)(o))
  @IsUUID('all')
  clientId?: string;

  @ValidateIf((o: CrmEventData) => o.leadId !== undefined || kindIn(...CRM_KINDS_WITH_LEAD)(o))
  @IsUUID('all')
  leadId?: string;

  @ValidateIf((o: CrmEventData) => o.messageId !== undefined || kindIn(...CRM_KINDS_WITH_MESSAGE)(o))
  @IsUUID('all')
  messageId?: string;

  /** The client merged into `clientId` (client.merged only); its row no longer exists. */
  @ValidateIf((o: CrmEventData) => o.mergedClientId !== undefined || o.kind === 'client.merged')
  @IsUUID('all')
  mergedClientId?: string;

  /** Which DESIGN §7.2 rule linked the client (client.matched only). */
  @ValidateIf((o: CrmEventData) => o.matchRule !== undefined || o.kind === 'client.matched')
  @IsIn(CLIENT_MATCH_RULES)
  matchRule?: ClientMatchRule;

  /** New status of the message (message.status only; may also accompany message.sent as `queued`). */
  @ValidateIf((o: CrmEventData) => o.status !== undefined || o.kind === 'message.status')
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;

  /** The lead's funnel after the change (lead.updated; absent: unsorted lead). */
  @Optional()
  @IsUUID('all')
  funnelId?: string;

  /** The lead's stage after the change (lead.updated; absent: no stage). */
  @Optional()
  @IsUUID('all')
  stageId?: string;

  /** The lead's status after the change (lead.updated only). */
  @ValidateIf((o: CrmEventData) => o.leadStatus !== undefined || o.kind === 'lead.updated')
  @IsIn(LEAD_STATUSES)
  leadStatus?: LeadStatus;

  /** Error code of a failed message (message.status with status `failed`). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  errorCode?: string;

  /** The record's sync state (sync.updated only). */
  @ValidateIf((o: CrmEventData) => o.sync !== undefined || o.kind === 'sync.updated')
  @IsDefined({ message: 'sync is required for sync.updated' })
  @ValidateNested()
  @Type(() => CrmSyncChange)
  sync?: CrmSyncChange;
}
