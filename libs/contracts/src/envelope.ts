import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsDefined, IsInt, IsNotEmpty, IsObject, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { EVENT_VERSIONS, type EventDataMap, isKnownEventType, type KnownEventType } from './registry';
import { IsIsoDateTime, Optional } from './validation';

/** Kafka header names every produced record carries (DESIGN §6). */
export const EventHeaders = {
  /** The envelope's `type` (lets consumers route or skip without parsing the value). */
  EventType: 'x-event-type',
  /** Correlation id propagated from the request that caused the event (webhook delivery, REST call…). */
  CorrelationId: 'x-correlation-id',
} as const;
export const HEADER_EVENT_TYPE = EventHeaders.EventType;
export const HEADER_CORRELATION_ID = EventHeaders.CorrelationId;
/**
 * The channel type of a channels.config.v1 / channels.outbound.v1 record (set by the api), so a connector keeps only
 * its own type without decoding the value. Records written before it existed lack it (consumers then peek at data).
 */
export const HEADER_CHANNEL_TYPE = 'x-channel-type';

/** Dotted lower-case event type names: `message.inbound`, `channel.health`, `crm.event`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/;

/**
 * The JSON value of every record on our topics except DLQs: `{ id, type, version, occurredAt, accountId, channelId?,
 * data }` (DESIGN §6). `data` is validated with the class registered for `type`.
 */
export class EventEnvelope<T = unknown> {
  /** Unique id of this event (uuid); also the default correlation id. */
  @IsUUID('all')
  id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @Matches(EVENT_TYPE_PATTERN, { message: 'type must be a dotted lower-case event name such as message.inbound' })
  type: string;

  /** Version of the `data` schema of this type (integer ≥ 1). */
  @IsInt()
  @Min(1)
  version: number;

  /** When it happened (ISO-8601 with a zone). */
  @IsIsoDateTime()
  occurredAt: string;

  /** Tenant. */
  @IsUUID('all')
  accountId: string;

  @Optional()
  @IsUUID('all')
  channelId?: string;

  @IsDefined()
  @IsObject()
  data: T;
}

export interface CreateEnvelopeOptions {
  accountId: string;
  channelId?: string;
  /** Defaults to crypto.randomUUID(). */
  id?: string;
  /** Defaults to now. */
  occurredAt?: string | Date;
  /** Defaults to the registered version of the type (EVENT_VERSIONS), else 1. */
  version?: number;
}

/** Builds an envelope around `data` (not validated here — encodeEnvelope validates). */
export function createEnvelope<K extends KnownEventType>(
  type: K,
  data: EventDataMap[K],
  options: CreateEnvelopeOptions,
): EventEnvelope<EventDataMap[K]>;
/** Unregistered types (no data class in EVENT_DATA_CLASSES): any object. Registered types must use their class. */
export function createEnvelope<T extends object, S extends string = string>(
  type: S extends KnownEventType ? never : S,
  data: T,
  options: CreateEnvelopeOptions,
): EventEnvelope<T>;
export function createEnvelope<T extends object>(type: string, data: T, options: CreateEnvelopeOptions): EventEnvelope<T> {
  const envelope = new EventEnvelope<T>();
  envelope.id = options.id ?? randomUUID();
  envelope.type = type;
  envelope.version = options.version ?? (isKnownEventType(type) ? EVENT_VERSIONS[type] : 1);
  const at = options.occurredAt ?? new Date();
  envelope.occurredAt = at instanceof Date ? at.toISOString() : at;
  envelope.accountId = options.accountId;
  if (options.channelId !== undefined) envelope.channelId = options.channelId;
  envelope.data = data;
  return envelope;
}

/** Header values as kafkajs exposes them (no kafkajs import: this library stays pure). */
export type RawHeaderValue = Buffer | string | ReadonlyArray<Buffer | string> | undefined;

/** The headers to produce an envelope with: `x-event-type` and `x-correlation-id` (defaults to the envelope id). */
export function eventHeaders(
  envelope: Pick<EventEnvelope, 'id' | 'type'>,
  correlationId?: string,
): Record<(typeof EventHeaders)[keyof typeof EventHeaders], string> {
  return {
    [HEADER_EVENT_TYPE]: envelope.type,
    [HEADER_CORRELATION_ID]: correlationId || envelope.id,
  };
}

/** Reads one header as a UTF-8 string (first value when repeated); undefined when absent. Name is case-insensitive. */
export function readHeader(
  headers: Readonly<Record<string, RawHeaderValue>> | undefined | null,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  if (key === undefined) return undefined;
  let value = headers[key];
  if (Array.isArray(value)) value = value[0] as Buffer | string | undefined;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : Buffer.from(value as Buffer).toString('utf8');
}
