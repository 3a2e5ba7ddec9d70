// @crm/contracts — Kafka message contracts shared by every service (DESIGN §6). Pure library: class-validator /
// class-transformer classes, no Nest, TypeORM or kafkajs. One definition is used to produce and to validate on consume.
import 'reflect-metadata';

export {
  BASE_TOPICS,
  type BaseTopic,
  DEFAULT_PARTITIONS,
  DLQ_SUFFIX,
  dlqTopicOf,
  isDlqTopic,
  prefixedTopic,
  prefixedTopicSpecs,
  TOPIC_RETENTION_MS,
  TOPIC_SPECS,
  type TopicSpec,
  Topics,
} from './topics';
export { channelConfigKey, chatKey, crmEventKey, parseChatKey } from './keys';
export {
  ATTACHMENT_KINDS,
  AttachmentKind,
  CHANNEL_HEALTH_STATUSES,
  CHANNEL_STATUSES,
  CHANNEL_TYPES,
  ChannelHealthStatus,
  ChannelStatus,
  ChannelType,
  CLIENT_MATCH_RULES,
  ClientMatchRule,
  CRM_EVENT_KINDS,
  CrmEventKind,
  DELIVERY_STATUSES,
  DeliveryStatus,
  INBOUND_EVENTS,
  InboundEvent,
  LEAD_STATUSES,
  LeadStatus,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  MessageKind,
  MessageStatus,
  SYNC_ENTITIES,
  SYNC_RECORD_STATES,
  type SyncEntity,
  type SyncRecordState,
} from './enums';
export {
  createEnvelope,
  type CreateEnvelopeOptions,
  EVENT_TYPE_PATTERN,
  EventEnvelope,
  EventHeaders,
  eventHeaders,
  HEADER_CHANNEL_TYPE,
  HEADER_CORRELATION_ID,
  HEADER_EVENT_TYPE,
  type RawHeaderValue,
  readHeader,
} from './envelope';
export {
  InboundAttachment,
  InboundContact,
  InboundLocation,
  InboundMessageData,
  InboundSender,
  INBOUND_MESSAGE_TYPE,
  INBOUND_MESSAGE_VERSION,
} from './payloads/inbound-message';
export {
  OutboundAttachment,
  OutboundMessageData,
  OutboundTemplate,
  OUTBOUND_MESSAGE_TYPE,
  OUTBOUND_MESSAGE_VERSION,
} from './payloads/outbound-message';
export { MessageStatusData, MESSAGE_STATUS_TYPE, MESSAGE_STATUS_VERSION } from './payloads/message-status';
export { ChannelHealthData, CHANNEL_HEALTH_TYPE, CHANNEL_HEALTH_VERSION } from './payloads/channel-health';
export { ChannelConfigData, CHANNEL_CONFIG_TYPE, CHANNEL_CONFIG_VERSION } from './payloads/channel-config';
export { channelConfigRecord, type ChannelConfigRecord, type ChannelConfigSource } from './channel-config-record';
export {
  CRM_EVENT_TYPE,
  CRM_EVENT_VERSION,
  CRM_KINDS_WITH_CLIENT,
  CRM_KINDS_WITH_LEAD,
  CRM_KINDS_WITH_MESSAGE,
  CrmEventData,
  CrmSyncChange,
} from './payloads/crm-event';
export {
  DLQ_PAYLOAD_ENCODINGS,
  DLQ_RECORD_TYPE,
  DLQ_RECORD_VERSION,
  DlqError,
  DlqPayloadEncoding,
  DlqRecord,
} from './payloads/dlq-record';
export {
  type DataClass,
  EVENT_DATA_CLASSES,
  EVENT_TOPICS,
  EVENT_TYPES_REQUIRING_CHANNEL_ID,
  EVENT_VERSIONS,
  type EventDataMap,
  EventTypes,
  eventTypesOf,
  isKnownEventType,
  type KnownEventType,
} from './registry';
export {
  ContractViolationCode,
  type ContractViolationDetail,
  ContractViolationError,
  isContractViolationError,
} from './errors';
export {
  CONTRACT_VALIDATOR_OPTIONS,
  type DecodeOptions,
  decodeEnvelope,
  decodeKnownEnvelope,
  type EncodeOptions,
  encodeEnvelope,
  flattenValidationErrors,
  isTombstone,
  recordEventType,
  type KnownEnvelope,
  parseJsonValue,
  type RawValue,
  validateContract,
} from './codec';
export {
  createDlqRecord,
  type CreateDlqRecordInput,
  decodeDlqRecord,
  dlqPayloadBytes,
  encodeDlqRecord,
  toDlqError,
} from './dlq';
export {
  findSecretLikeKeys,
  HasNoPlaintextSecrets,
  IsFreeFormObject,
  IsIsoDateTime,
  isIsoDateTime,
  IsOpaqueCiphertext,
  isOpaqueCiphertext,
  isPlainJsonObject,
  IsStringMap,
  LIMITS,
  Optional,
  SECRET_KEY_PATTERN,
} from './validation';
