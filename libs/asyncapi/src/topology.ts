import { type BaseTopic, CHANNEL_TYPES, EventTypes, HEADER_CHANNEL_TYPE, type KnownEventType, Topics } from '@crm/contracts';

// Who produces and who consumes each topic, read from the code (the @EventPattern consumers, the publishers and the
// outbox writers) and docs/architecture.md. The contracts say what a record is; this says where it flows.

/** One service's use of one topic. */
export interface TopicUse {
  /** Operation id (unique in the document). */
  id: string;
  /** The app(s) under apps/ doing it. */
  services: readonly string[];
  action: 'send' | 'receive';
  topic: BaseTopic;
  /** Event types it sends or acts on (all of the topic's when absent); `tombstone` = the channel.config tombstone. */
  messages?: ReadonlyArray<KnownEventType | 'tombstone'>;
  summary: string;
}

const CONNECTORS = CHANNEL_TYPES.map((t) => `connector-${t}`);

/** Every producer and consumer of the data topics. Dead-letter topics are written by each consumer of their topic. */
export const TOPIC_USES: readonly TopicUse[] = Object.freeze([
  {
    id: 'apiSendsChannelConfig',
    services: ['api'],
    action: 'send',
    topic: Topics.ChannelsConfig,
    summary: `Every change of a channel (through the transactional outbox, ${HEADER_CHANNEL_TYPE} set); the tombstone when it is deleted.`,
  },
  ...CHANNEL_TYPES.map((type) => ({
    id: `connector${pascal(type)}ReceivesChannelConfig`,
    services: [`connector-${type}`],
    action: 'receive' as const,
    topic: Topics.ChannelsConfig,
    summary: `Builds its channel registry from the compacted topic (replayed at start), keeping the ${type} channels (${HEADER_CHANNEL_TYPE}).`,
  })),
  {
    id: 'connectorsSendInbound',
    services: CONNECTORS,
    action: 'send',
    topic: Topics.ChannelsInbound,
    summary: 'Normalized inbound messages, edits and deletes, produced (acks=all) before the webhook is answered 2xx.',
  },
  {
    id: 'leadRoutingReceivesInbound',
    services: ['lead-routing'],
    action: 'receive',
    topic: Topics.ChannelsInbound,
    summary: 'Routes each message in order per chat: dialog, client, lead, message, CRM events (DESIGN §7).',
  },
  {
    id: 'connectorWidgetFansOutInbound',
    services: ['connector-widget'],
    action: 'receive',
    topic: Topics.ChannelsInbound,
    summary: 'Live fan-out to the visitors’ WebSockets (a group per instance).',
  },
  {
    id: 'apiSendsOutbound',
    services: ['api'],
    action: 'send',
    topic: Topics.ChannelsOutbound,
    summary: `An agent’s reply as a send command (through the transactional outbox, ${HEADER_CHANNEL_TYPE} set).`,
  },
  ...CHANNEL_TYPES.map((type) => ({
    id: `connector${pascal(type)}ReceivesOutbound`,
    services: [`connector-${type}`],
    action: 'receive' as const,
    topic: Topics.ChannelsOutbound,
    summary: `Sends the ${type} commands to the platform (in order per chat, at most once) and reports their status.`,
  })),
  {
    id: 'connectorsSendStatus',
    services: CONNECTORS,
    action: 'send',
    topic: Topics.ChannelsStatus,
    summary: 'Delivery status of sent messages and the health of each channel.',
  },
  {
    id: 'apiReceivesStatus',
    services: ['api'],
    action: 'receive',
    topic: Topics.ChannelsStatus,
    summary: 'Applies delivery statuses to messages and channel health to channels; streams both as live events.',
  },
  {
    id: 'leadRoutingSendsCrmEvents',
    services: ['lead-routing'],
    action: 'send',
    topic: Topics.CrmEvents,
    summary: 'client / lead / dialog / message events of routed inbound messages (through the transactional outbox).',
  },
  {
    id: 'apiSendsCrmEvents',
    services: ['api'],
    action: 'send',
    topic: Topics.CrmEvents,
    summary: 'message.sent, message.status, dialog.closed and lead.updated of agents’ actions (through the transactional outbox).',
  },
  {
    id: 'integrationsSendsCrmEvents',
    services: ['integrations'],
    action: 'send',
    topic: Topics.CrmEvents,
    summary: 'sync.updated: a record was forwarded to an external CRM, or given up on (through the transactional outbox).',
  },
  {
    id: 'integrationsReceivesCrmEvents',
    services: ['integrations'],
    action: 'receive',
    topic: Topics.CrmEvents,
    summary: 'Forwards clients, leads and messages to Bitrix24 / amoCRM (DESIGN §7a).',
  },
  {
    id: 'apiReceivesCrmEvents',
    services: ['api'],
    action: 'receive',
    topic: Topics.CrmEvents,
    summary: 'Live events for the frontend (SSE).',
  },
  {
    id: 'connectorWidgetReceivesCrmEvents',
    services: ['connector-widget'],
    action: 'receive',
    topic: Topics.CrmEvents,
    summary: 'Live fan-out to the visitors’ WebSockets (a group per instance).',
  },
] satisfies TopicUse[]);

/** Headers beyond x-event-type / x-correlation-id that a type's producers set. */
export const EXTRA_HEADERS: Readonly<Partial<Record<KnownEventType, readonly string[]>>> = Object.freeze({
  [EventTypes.ChannelConfig]: [HEADER_CHANNEL_TYPE],
  [EventTypes.MessageOutbound]: [HEADER_CHANNEL_TYPE],
});

/** `channels.inbound.v1` → `ChannelsInboundV1`; `connector-telegram` → `ConnectorTelegram`. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
