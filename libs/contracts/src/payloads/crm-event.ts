import 'reflect-metadata';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import {
  CLIENT_MATCH_RULES,
  CRM_EVENT_KINDS,
  ClientMatchRule,
  CrmEventKind,
  MESSAGE_STATUSES,
  MessageStatus,
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
export const CRM_KINDS_WITH_CLIENT: readonly CrmEventKind[] = Object.freeze(['client.created', 'client.matched']);
/** Kinds that must name a lead. */
export const CRM_KINDS_WITH_LEAD: readonly CrmEventKind[] = Object.freeze(['lead.created', 'lead.linked']);
/** Kinds that must name a message. */
export const CRM_KINDS_WITH_MESSAGE: readonly CrmEventKind[] = Object.freeze([
  'message.received',
  'message.sent',
  'message.status',
  'message.edited',
  'message.deleted',
]);

/**
 * One CRM event (`data` of a `crm.event` envelope on crm.events.v1, key = dialogId). The envelope carries accountId
 * and channelId. Which ids are required depends on `kind`:
 * - client.created / client.matched → `clientId` (client.matched also `matchRule`);
 * - lead.created / lead.linked → `leadId` (and `clientId` when the lead has a client);
 * - message.received / message.sent / message.status / message.edited / message.deleted → `messageId`
 *   (message.status also `status`);
 * - dialog.opened / dialog.closed → only `dialogId`.
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

  /** Which DESIGN §7.2 rule linked the client (client.matched only). */
  @ValidateIf((o: CrmEventData) => o.matchRule !== undefined || o.kind === 'client.matched')
  @IsIn(CLIENT_MATCH_RULES)
  matchRule?: ClientMatchRule;

  /** New status of the message (message.status only; may also accompany message.sent as `queued`). */
  @ValidateIf((o: CrmEventData) => o.status !== undefined || o.kind === 'message.status')
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;

  /** Error code of a failed message (message.status with status `failed`). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  errorCode?: string;
}
