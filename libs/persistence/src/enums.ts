// Allowed values of the enum-like text columns. The database enforces the same lists with CHECK constraints
// (see the migrations); changing a list here needs a new migration that replaces the matching constraint.

export const INTEGRATION_TYPES = ['bitrix24', 'amocrm'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export const INTEGRATION_STATUSES = ['active', 'inactive', 'error'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export const CHANNEL_TYPES = ['telegram', 'whatsapp', 'vk', 'avito', 'widget'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_STATUSES = ['active', 'inactive', 'error'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * Channel health as its connector last reported it (channels.status.v1 `channel.health`), or `unknown` before the
 * first report.
 */
export const CHANNEL_HEALTH_STATUSES = ['unknown', 'active', 'degraded', 'needs-reauth', 'disconnected'] as const;
export type ChannelHealthStatus = (typeof CHANNEL_HEALTH_STATUSES)[number];

/** Which routing rule linked an identity to its client (DESIGN §7.2). */
export const CLIENT_MATCH_RULES = ['identity', 'phone', 'username', 'created'] as const;
export type ClientMatchRule = (typeof CLIENT_MATCH_RULES)[number];

export const DIALOG_STATUSES = ['open', 'closed'] as const;
export type DialogStatus = (typeof DIALOG_STATUSES)[number];

export const LEAD_STATUSES = ['open', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'voice',
  'document',
  'sticker',
  'location',
  'contact',
  'unsupported',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const INBOUND_MESSAGE_STATUSES = ['received'] as const;
/** Outbound status only moves forward: queued → sent → delivered → read; failed is final. */
export const OUTBOUND_MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type InboundMessageStatus = (typeof INBOUND_MESSAGE_STATUSES)[number];
export type OutboundMessageStatus = (typeof OUTBOUND_MESSAGE_STATUSES)[number];
export type MessageStatus = InboundMessageStatus | OutboundMessageStatus;

export const SYNC_ENTITY_TYPES = ['client', 'lead', 'message'] as const;
export type SyncEntityType = (typeof SYNC_ENTITY_TYPES)[number];

export const SYNC_STATES = ['pending', 'in_progress', 'synced', 'failed', 'dead'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** `"column" IN ('a', 'b')` for a @Check expression. */
export function sqlIn(column: string, values: readonly string[]): string {
  return `"${column}" IN (${values.map((v) => `'${v}'`).join(', ')})`;
}
