// Allowed values of the enum-like text columns. The database enforces the same lists with CHECK constraints
// (see the migrations); changing a list here needs a new migration that replaces the matching constraint.
// A set that the Kafka contracts also carry has ONE source, @crm/contracts (libs/contracts/src/enums.ts): the lists
// below are derived from it (plus the storage-only values, named explicitly), never written twice.
import {
  CHANNEL_HEALTH_STATUSES as CONTRACT_HEALTH_STATUSES,
  CHANNEL_STATUSES as CONTRACT_CHANNEL_STATUSES,
  CHANNEL_TYPES as CONTRACT_CHANNEL_TYPES,
  CLIENT_MATCH_RULES as CONTRACT_MATCH_RULES,
  MESSAGE_KINDS as CONTRACT_MESSAGE_KINDS,
  MESSAGE_STATUSES as CONTRACT_MESSAGE_STATUSES,
} from '@crm/contracts';

export const INTEGRATION_TYPES = ['bitrix24', 'amocrm'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export const INTEGRATION_STATUSES = ['active', 'inactive', 'error'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

/**
 * Channel types (contracts' ChannelType). The database checks only their format (ck_channels_type,
 * ck_client_identities_channel_type: sqlChannelType), so adding a type is one line in the contracts, no migration;
 * writers validate against this list.
 */
export const CHANNEL_TYPES = CONTRACT_CHANNEL_TYPES;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_STATUSES = CONTRACT_CHANNEL_STATUSES;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * Channel health as its connector last reported it (channels.status.v1 `channel.health`), or `unknown` before the
 * first report.
 */
export const CHANNEL_HEALTH_STATUSES = ['unknown', ...CONTRACT_HEALTH_STATUSES] as const;
export type ChannelHealthStatus = (typeof CHANNEL_HEALTH_STATUSES)[number];

/**
 * How an identity got its client (DESIGN §7.2): the matching rules of the contracts (identity, phone, username), or
 * `created` — no rule matched and the client was created from this identity (never a match, so not in the contract).
 */
export const CLIENT_MATCH_RULES = [...CONTRACT_MATCH_RULES, 'created'] as const;
export type ClientMatchRule = (typeof CLIENT_MATCH_RULES)[number];

export const DIALOG_STATUSES = ['open', 'closed'] as const;
export type DialogStatus = (typeof DIALOG_STATUSES)[number];

export const LEAD_STATUSES = ['open', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_KINDS = CONTRACT_MESSAGE_KINDS;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const INBOUND_MESSAGE_STATUSES = ['received'] as const;
/** Outbound status only moves forward: queued → sent → delivered → read; failed is final. */
export const OUTBOUND_MESSAGE_STATUSES = CONTRACT_MESSAGE_STATUSES;
export type InboundMessageStatus = (typeof INBOUND_MESSAGE_STATUSES)[number];
export type OutboundMessageStatus = (typeof OUTBOUND_MESSAGE_STATUSES)[number];
export type MessageStatus = InboundMessageStatus | OutboundMessageStatus;

export const SYNC_ENTITY_TYPES = ['client', 'lead', 'message'] as const;
export type SyncEntityType = (typeof SYNC_ENTITY_TYPES)[number];

/** Sync state of one record towards one CRM (DESIGN §7a): waiting/due, forwarded, or given up with an error code. */
export const SYNC_STATES = ['pending', 'synced', 'failed'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** Roles of a CRM user (JWT claim `role`). */
export const USER_ROLES = ['admin', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The format every channel type has (lower-case word, dashes allowed): what the database checks for a type column. */
export const CHANNEL_TYPE_FORMAT = '^[a-z][a-z0-9-]{0,31}$';

/** `"column" ~ '<CHANNEL_TYPE_FORMAT>'` for a @Check expression on a channel type column. */
export function sqlChannelType(column: string): string {
  return `"${column}" ~ '${CHANNEL_TYPE_FORMAT}'`;
}

/** `"column" IN ('a', 'b')` for a @Check expression. */
export function sqlIn(column: string, values: readonly string[]): string {
  return `"${column}" IN (${values.map((v) => `'${v}'`).join(', ')})`;
}
