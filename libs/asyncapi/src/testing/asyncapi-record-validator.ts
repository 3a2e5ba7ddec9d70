import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { HEADER_EVENT_TYPE } from '@crm/contracts';
import type { AsyncApiDocument } from '../asyncapi-document';

// Checks Kafka records against an AsyncAPI document (ajv 8): finds the record's channel by its address, the message
// by `x-event-type` (and null-ness of the value), then validates key, headers and value against that message.
// Tests only (ajv is a dev dependency).

/** A record as read from Kafka (headers as UTF-8 strings). */
export interface RecordUnderTest {
  /** Full (prefixed) topic name. */
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RecordVerdict {
  /** `channelId/messageId` that the record was checked against, when one was found. */
  message?: string;
  problems: string[];
}

interface MessageEntry {
  id: string;
  eventType?: string;
  tombstone: boolean;
  headers: ValidateFunction;
  payload: ValidateFunction;
  key?: ValidateFunction;
}

type Json = Record<string, any>;

const DOC_ID = 'asyncapi-document';

function resolve(document: Json, ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Json>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

function messageIdOf(ref: string): string {
  return ref.split('/').pop()!;
}

export class AsyncApiRecordValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  /** Full topic name → its channel's messages. */
  private readonly channels = new Map<string, { id: string; messages: MessageEntry[] }>();

  constructor(document: AsyncApiDocument, topicPrefix: string) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, DOC_ID);
    for (const [id, channel] of Object.entries(document.channels as Json)) {
      const topic = String(channel.address).replace('{prefix}', topicPrefix);
      const messages = Object.entries(channel.messages as Json).map(([, m]) => this.entry(document, messageIdOf(m.$ref as string)));
      this.channels.set(topic, { id, messages });
    }
  }

  private entry(document: Json, id: string): MessageEntry {
    const message = resolve(document, `#/components/messages/${id}`);
    const at = (path: string) => this.ajv.compile({ $ref: `${DOC_ID}#/components/messages/${id}/${path}` });
    return {
      id,
      eventType: message.headers?.properties?.[HEADER_EVENT_TYPE]?.const as string | undefined,
      tombstone: message.payload?.type === 'null',
      headers: at('headers'),
      payload: at('payload'),
      key: message.bindings?.kafka?.key ? at('bindings/kafka/key') : undefined,
    };
  }

  /** The full topic names the document describes under this prefix. */
  topics(): string[] {
    return [...this.channels.keys()];
  }

  /** Problems of one record (none = it matches exactly one message of its channel). */
  validate(record: RecordUnderTest): RecordVerdict {
    const channel = this.channels.get(record.topic);
    if (!channel) return { problems: [`topic ${record.topic} has no channel in the document`] };
    const eventType = record.headers[HEADER_EVENT_TYPE];
    const candidates = channel.messages.filter((m) => (m.eventType === undefined || m.eventType === eventType) && m.tombstone === (record.value === null));
    if (candidates.length !== 1) {
      return { problems: [`${record.topic}: ${candidates.length} messages of the document fit ${HEADER_EVENT_TYPE}=${eventType ?? '(none)'} with a ${record.value === null ? 'null' : 'non-null'} value`] };
    }
    const [message] = candidates;
    const problems: string[] = [];
    const check = (what: string, fn: ValidateFunction | undefined, value: unknown) => {
      if (fn && !fn(value)) problems.push(...(fn.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
    };
    check('headers', message.headers, record.headers);
    check('key', message.key, record.key);
    try {
      check('value', message.payload, record.value === null ? null : JSON.parse(record.value.toString('utf8')));
    } catch (err) {
      problems.push(`value is not JSON: ${String(err)}`);
    }
    return { message: `${channel.id}/${message.id}`, problems };
  }
}
