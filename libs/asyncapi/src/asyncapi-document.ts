import {
  type BaseTopic,
  CHANNEL_TYPES,
  DLQ_RECORD_TYPE,
  DLQ_SUFFIX,
  dlqTopicOf,
  DlqRecord,
  EVENT_DATA_CLASSES,
  EVENT_TOPICS,
  EVENT_TYPES_REQUIRING_CHANNEL_ID,
  EVENT_VERSIONS,
  EventEnvelope,
  EventTypes,
  HEADER_CORRELATION_ID,
  HEADER_EVENT_TYPE,
  type KnownEventType,
  TOPIC_SPECS,
  type TopicSpec,
} from '@crm/contracts';
import { contractSchemas, type JsonSchema } from './contract-schemas';
import { EXTRA_HEADERS, pascal, TOPIC_USES, type TopicUse } from './topology';

// The AsyncAPI 3.0 document of every Kafka topic, generated from libs/contracts: topics and partitions (TOPIC_SPECS),
// the envelope and payload classes (class-validator metadata), the event type registry, the headers, the DLQ format.

/** The header a dead-letter record adds to the original record's headers (libs/messaging dead-letter.ts). */
export const DLQ_ERROR_HEADER = 'x-dlq-error';
/** Message id of the channels.config.v1 tombstone (null value). */
export const TOMBSTONE_MESSAGE = 'ChannelConfigTombstone';
/** Message id of the records on every `<topic>.dlq.v1`. */
export const DEAD_LETTER_MESSAGE = 'DeadLetter';

export interface AsyncApiDocumentOptions {
  /** Broker address shown as the server's host (default `localhost:9092`; the real list is KAFKA_BROKERS). */
  host?: string;
  /** `reject` (default): schemas are closed as producers validate; `strip`: open, as consumers decode. */
  unknownFields?: 'reject' | 'strip';
}

/** An AsyncAPI 3.0.0 document as plain JSON. */
export type AsyncApiDocument = Record<string, unknown> & { asyncapi: '3.0.0' };

const SCHEMAS = '#/components/schemas/';
const KAFKA_BINDING_VERSION = '0.5.0';

const TOPIC_TEXT: Readonly<Record<BaseTopic, { title: string; key: string; description: string }>> = {
  'channels.config.v1': { title: 'Channel config', key: 'channelId', description: 'Latest state of every channel for the connectors (credentials only encrypted); a tombstone (null value) when a channel is deleted.' },
  'channels.inbound.v1': { title: 'Inbound messages', key: 'channelId:externalChatId', description: 'Normalized inbound messages, edits and deletes from every channel.' },
  'channels.outbound.v1': { title: 'Outbound commands', key: 'channelId:externalChatId', description: 'Send commands for agents’ replies, for the channel type’s connector.' },
  'channels.status.v1': { title: 'Status', key: 'channelId:externalChatId (channel.health: channelId)', description: 'Delivery status of outbound messages and channel health, reported by the connectors.' },
  'crm.events.v1': { title: 'CRM events', key: 'dialogId', description: 'client / lead / dialog / message / sync events; what happened is data.kind.' },
};

const UUID_KEY: JsonSchema = { type: 'string', format: 'uuid' };
const CHAT_KEY: JsonSchema = { type: 'string', pattern: '^[^:]+:.+$', description: '`channelId:externalChatId` — everything of one chat in one partition, in order.' };

/** The record key of each event type (libs/contracts keys.ts). */
const MESSAGE_KEYS: Readonly<Record<KnownEventType, JsonSchema>> = {
  [EventTypes.MessageInbound]: CHAT_KEY,
  [EventTypes.MessageOutbound]: CHAT_KEY,
  [EventTypes.MessageStatus]: CHAT_KEY,
  [EventTypes.ChannelHealth]: { ...UUID_KEY, description: 'The channelId.' },
  [EventTypes.ChannelConfig]: { ...UUID_KEY, description: 'The channelId (compaction keeps the latest record per channel).' },
  [EventTypes.CrmEvent]: { ...UUID_KEY, description: 'The dialogId.' },
};

const MESSAGE_SUMMARIES: Readonly<Record<KnownEventType, string>> = {
  [EventTypes.MessageInbound]: 'A normalized inbound message, edit or delete (DESIGN §6).',
  [EventTypes.MessageOutbound]: 'Send an agent’s reply (text may be empty only with attachments or a template).',
  [EventTypes.MessageStatus]: 'Delivery status of one outbound message (failed carries errorCode).',
  [EventTypes.ChannelHealth]: 'Health of a channel as its connector observes it.',
  [EventTypes.ChannelConfig]: 'Latest state of one channel (data.channelId and data.accountId equal the envelope’s).',
  [EventTypes.CrmEvent]:
    'One CRM event. Ids required by kind: client.* → clientId (client.matched also matchRule); lead.* → leadId (lead.updated also leadStatus); ' +
    'message.* → messageId (message.status also status); sync.updated → sync; dialog.* only dialogId.',
};

function channelId(spec: TopicSpec): string {
  return pascal(spec.name);
}

function messageId(type: KnownEventType): string {
  return pascal(type);
}

function baseOf(spec: TopicSpec): BaseTopic {
  return (spec.dlq ? spec.name.slice(0, -DLQ_SUFFIX.length) : spec.name) as BaseTopic;
}

function typesOn(topic: BaseTopic): KnownEventType[] {
  return (Object.keys(EVENT_TOPICS) as KnownEventType[]).filter((t) => EVENT_TOPICS[t] === topic);
}

/** Headers of a record of `type`: x-event-type names it, x-correlation-id always set (the envelope id by default). */
function headersSchema(type: KnownEventType): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    [HEADER_EVENT_TYPE]: { type: 'string', const: type, description: 'The envelope’s type: consumers route or skip without parsing the value.' },
    [HEADER_CORRELATION_ID]: { type: 'string', minLength: 1, description: 'Correlation id of the request that caused the event (webhook delivery, REST call…); the envelope id by default.' },
  };
  for (const header of EXTRA_HEADERS[type] ?? []) {
    properties[header] = { type: 'string', enum: [...CHANNEL_TYPES], description: 'The channel type, so a connector keeps only its own records without decoding the value (absent on records older than the header).' };
  }
  return { type: 'object', properties, required: [HEADER_EVENT_TYPE, HEADER_CORRELATION_ID], additionalProperties: false };
}

function kafkaKey(schema: JsonSchema): Record<string, unknown> {
  return { kafka: { key: schema, bindingVersion: KAFKA_BINDING_VERSION } };
}

function eventMessage(type: KnownEventType): Record<string, unknown> {
  const dataClass = EVENT_DATA_CLASSES[type];
  const required = ['type', 'data', ...(EVENT_TYPES_REQUIRING_CHANNEL_ID.has(type) ? ['channelId'] : [])];
  return {
    name: type,
    title: `${type} (version ${EVENT_VERSIONS[type]})`,
    summary: MESSAGE_SUMMARIES[type],
    contentType: 'application/json',
    headers: headersSchema(type),
    payload: {
      allOf: [
        { $ref: `${SCHEMAS}EventEnvelope` },
        { type: 'object', properties: { type: { const: type }, data: { $ref: `${SCHEMAS}${dataClass.name}` } }, required },
      ],
    },
    bindings: kafkaKey(MESSAGE_KEYS[type]),
    'x-envelope-version': EVENT_VERSIONS[type],
  };
}

function tombstoneMessage(): Record<string, unknown> {
  return {
    name: `${EventTypes.ChannelConfig}.tombstone`,
    title: 'channel.config tombstone',
    summary: 'The channel was deleted: same key, null value (compaction then drops its earlier records).',
    headers: {
      type: 'object',
      properties: {
        [HEADER_EVENT_TYPE]: { type: 'string', const: EventTypes.ChannelConfig },
        [HEADER_CORRELATION_ID]: { type: 'string', minLength: 1 },
      },
      required: [HEADER_EVENT_TYPE],
      additionalProperties: false,
    },
    payload: { type: 'null' },
    bindings: kafkaKey(MESSAGE_KEYS[EventTypes.ChannelConfig]),
  };
}

function deadLetterMessage(): Record<string, unknown> {
  return {
    name: DLQ_RECORD_TYPE,
    title: 'Dead letter',
    summary: 'A record that could not be processed: its origin, the error and the original value byte-exact. Not an envelope.',
    contentType: 'application/json',
    headers: {
      type: 'object',
      description: `The original record's headers (${HEADER_EVENT_TYPE} is the ORIGINAL type) plus ${DLQ_ERROR_HEADER}.`,
      properties: {
        [DLQ_ERROR_HEADER]: { type: 'string', minLength: 1, description: 'The error code, else the error name.' },
        [HEADER_EVENT_TYPE]: { type: 'string' },
        [HEADER_CORRELATION_ID]: { type: 'string' },
      },
      required: [DLQ_ERROR_HEADER],
      additionalProperties: { type: 'string' },
    },
    payload: { $ref: `${SCHEMAS}DlqRecord` },
    bindings: kafkaKey({ type: ['string', 'null'], description: 'The original key.' }),
  };
}

function channel(spec: TopicSpec): Record<string, unknown> {
  const base = baseOf(spec);
  const text = TOPIC_TEXT[base];
  const messages = spec.dlq
    ? { [DEAD_LETTER_MESSAGE]: { $ref: `#/components/messages/${DEAD_LETTER_MESSAGE}` } }
    : Object.fromEntries([
        ...typesOn(base).map((t) => [messageId(t), { $ref: `#/components/messages/${messageId(t)}` }]),
        ...(spec.compacted ? [[TOMBSTONE_MESSAGE, { $ref: `#/components/messages/${TOMBSTONE_MESSAGE}` }]] : []),
      ]);
  return {
    address: `{prefix}${spec.name}`,
    title: spec.dlq ? `${text.title}: dead letters` : text.title,
    description: spec.dlq
      ? `Records of ${base} that could not be processed (after bounded retries, or at once when undecodable); key = the original key.`
      : `${text.description} Key: ${text.key}.${spec.compacted ? ' Compacted (cleanup.policy=compact).' : ''}`,
    parameters: { prefix: { $ref: '#/components/parameters/prefix' } },
    messages,
    bindings: {
      kafka: {
        partitions: spec.partitions,
        topicConfiguration: { 'cleanup.policy': [spec.compacted ? 'compact' : 'delete'] },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function operation(use: TopicUse, spec: TopicSpec): Record<string, unknown> {
  const id = channelId(spec);
  const names = use.messages?.map((m) => (m === 'tombstone' ? TOMBSTONE_MESSAGE : messageId(m))) ?? Object.keys(channel(spec).messages as Record<string, unknown>);
  const refs = names.map((m) => ({ $ref: `#/channels/${id}/messages/${m}` }));
  return {
    action: use.action,
    channel: { $ref: `#/channels/${id}` },
    title: `${use.services.join(', ')} ${use.action === 'send' ? 'sends' : 'receives'}`,
    summary: use.summary,
    tags: use.services.map((name) => ({ name })),
    messages: refs,
  };
}

/** Every consumer of a topic dead-letters what it cannot process onto `<topic>.dlq.v1`. */
function deadLetterUses(): TopicUse[] {
  return TOPIC_SPECS.filter((s) => s.dlq).map((spec) => {
    const base = baseOf(spec);
    const services = [...new Set(TOPIC_USES.filter((u) => u.topic === base && u.action === 'receive').flatMap((u) => u.services))];
    return { id: `deadLetter${pascal(base)}`, services, action: 'send', topic: base, summary: `Consumers of ${base} write the records they give up on.` };
  });
}

function operations(): Record<string, unknown> {
  const byName = new Map(TOPIC_SPECS.map((s) => [s.name, s]));
  const out: Record<string, unknown> = {};
  for (const use of TOPIC_USES) out[use.id] = operation(use, byName.get(use.topic)!);
  for (const use of deadLetterUses()) out[use.id] = operation(use, byName.get(dlqTopicOf(use.topic))!);
  return out;
}

function components(options: AsyncApiDocumentOptions): Record<string, unknown> {
  const types = Object.keys(EVENT_DATA_CLASSES) as KnownEventType[];
  return {
    schemas: contractSchemas([EventEnvelope, DlqRecord, ...Object.values(EVENT_DATA_CLASSES)], { refPrefix: SCHEMAS, unknownFields: options.unknownFields }),
    messages: {
      ...Object.fromEntries(types.map((t) => [messageId(t), eventMessage(t)])),
      [TOMBSTONE_MESSAGE]: tombstoneMessage(),
      [DEAD_LETTER_MESSAGE]: deadLetterMessage(),
    },
    parameters: {
      prefix: {
        description: 'KAFKA_TOPIC_PREFIX, prepended as is to every base topic name (and consumer group); may be empty. Namespaces environments and test runs.',
        default: '',
        examples: ['', 'prod.'],
      },
    },
  };
}

const DESCRIPTION = [
  'Every Kafka topic of the crm-channels backend, generated from libs/contracts (the classes producers and consumers validate with).',
  'The value of every record except dead letters is a JSON envelope `{ id, type, version, occurredAt, accountId, channelId?, data }`; `data` is the payload of `type`.',
  'Headers: `x-event-type` (the envelope type) and `x-correlation-id` on every record; `x-channel-type` on channel config and outbound commands.',
  'Producers validate strictly (the schemas here are closed); consumers drop fields they do not know, so a producer may add an optional field without a new version.',
  'Topic addresses are `{prefix}<base name>`, the prefix being KAFKA_TOPIC_PREFIX.',
].join('\n\n');

/** The AsyncAPI 3.0.0 document of every topic (pure: built from the contracts' metadata, no I/O). */
export function buildAsyncApiDocument(options: AsyncApiDocumentOptions = {}): AsyncApiDocument {
  return {
    asyncapi: '3.0.0',
    info: { title: 'crm-channels Kafka contracts', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: options.host ?? 'localhost:9092',
        protocol: 'kafka',
        description: 'The brokers of KAFKA_BROKERS. Every topic name (and consumer group) is prefixed with KAFKA_TOPIC_PREFIX, see the `prefix` parameter of each channel.',
      },
    },
    channels: Object.fromEntries(TOPIC_SPECS.map((spec) => [channelId(spec), channel(spec)])),
    operations: operations(),
    components: components(options),
  };
}
