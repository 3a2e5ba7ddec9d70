import { CHANNEL_CONFIG_TYPE, CHANNEL_CONFIG_VERSION, ChannelConfigData } from './payloads/channel-config';
import { CHANNEL_HEALTH_TYPE, CHANNEL_HEALTH_VERSION, ChannelHealthData } from './payloads/channel-health';
import { CRM_EVENT_TYPE, CRM_EVENT_VERSION, CrmEventData } from './payloads/crm-event';
import { INBOUND_MESSAGE_TYPE, INBOUND_MESSAGE_VERSION, InboundMessageData } from './payloads/inbound-message';
import { MESSAGE_STATUS_TYPE, MESSAGE_STATUS_VERSION, MessageStatusData } from './payloads/message-status';
import { OUTBOUND_MESSAGE_TYPE, OUTBOUND_MESSAGE_VERSION, OutboundMessageData } from './payloads/outbound-message';
import { type BaseTopic, Topics } from './topics';

/** A contract class: constructible without arguments (class-transformer instantiates it). */
export type DataClass<T extends object = object> = new () => T;

/** Every envelope `type` this library defines. */
export const EventTypes = {
  MessageInbound: INBOUND_MESSAGE_TYPE,
  MessageOutbound: OUTBOUND_MESSAGE_TYPE,
  MessageStatus: MESSAGE_STATUS_TYPE,
  ChannelHealth: CHANNEL_HEALTH_TYPE,
  ChannelConfig: CHANNEL_CONFIG_TYPE,
  CrmEvent: CRM_EVENT_TYPE,
} as const;

/** Envelope type → data class type (drives the typing of createEnvelope and decodeKnownEnvelope). */
export interface EventDataMap {
  [INBOUND_MESSAGE_TYPE]: InboundMessageData;
  [OUTBOUND_MESSAGE_TYPE]: OutboundMessageData;
  [MESSAGE_STATUS_TYPE]: MessageStatusData;
  [CHANNEL_HEALTH_TYPE]: ChannelHealthData;
  [CHANNEL_CONFIG_TYPE]: ChannelConfigData;
  [CRM_EVENT_TYPE]: CrmEventData;
}
export type KnownEventType = keyof EventDataMap;

/** Envelope type → the class that defines and validates its `data`. */
export const EVENT_DATA_CLASSES: { readonly [K in KnownEventType]: DataClass<EventDataMap[K]> } = Object.freeze({
  [INBOUND_MESSAGE_TYPE]: InboundMessageData,
  [OUTBOUND_MESSAGE_TYPE]: OutboundMessageData,
  [MESSAGE_STATUS_TYPE]: MessageStatusData,
  [CHANNEL_HEALTH_TYPE]: ChannelHealthData,
  [CHANNEL_CONFIG_TYPE]: ChannelConfigData,
  [CRM_EVENT_TYPE]: CrmEventData,
});

/** Envelope type → current `version` (what createEnvelope writes). */
export const EVENT_VERSIONS: { readonly [K in KnownEventType]: number } = Object.freeze({
  [INBOUND_MESSAGE_TYPE]: INBOUND_MESSAGE_VERSION,
  [OUTBOUND_MESSAGE_TYPE]: OUTBOUND_MESSAGE_VERSION,
  [MESSAGE_STATUS_TYPE]: MESSAGE_STATUS_VERSION,
  [CHANNEL_HEALTH_TYPE]: CHANNEL_HEALTH_VERSION,
  [CHANNEL_CONFIG_TYPE]: CHANNEL_CONFIG_VERSION,
  [CRM_EVENT_TYPE]: CRM_EVENT_VERSION,
});

/** Envelope type → the base topic it is published on. */
export const EVENT_TOPICS: { readonly [K in KnownEventType]: BaseTopic } = Object.freeze({
  [INBOUND_MESSAGE_TYPE]: Topics.ChannelsInbound,
  [OUTBOUND_MESSAGE_TYPE]: Topics.ChannelsOutbound,
  [MESSAGE_STATUS_TYPE]: Topics.ChannelsStatus,
  [CHANNEL_HEALTH_TYPE]: Topics.ChannelsStatus,
  [CHANNEL_CONFIG_TYPE]: Topics.ChannelsConfig,
  [CRM_EVENT_TYPE]: Topics.CrmEvents,
});

/** Types whose envelope must carry `channelId` (everything produced about one channel). */
export const EVENT_TYPES_REQUIRING_CHANNEL_ID: ReadonlySet<string> = new Set<KnownEventType>([
  INBOUND_MESSAGE_TYPE,
  OUTBOUND_MESSAGE_TYPE,
  MESSAGE_STATUS_TYPE,
  CHANNEL_HEALTH_TYPE,
  CHANNEL_CONFIG_TYPE,
]);

export function isKnownEventType(type: unknown): type is KnownEventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENT_DATA_CLASSES, type);
}

/** The envelope types whose data class is `dataClass`. */
export function eventTypesOf(dataClass: DataClass): KnownEventType[] {
  return (Object.keys(EVENT_DATA_CLASSES) as KnownEventType[]).filter((t) => EVENT_DATA_CLASSES[t] === dataClass);
}
