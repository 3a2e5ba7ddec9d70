import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { EventEnvelope, HEADER_EVENT_TYPE, readHeader, type RawHeaderValue } from './envelope';
import { ContractViolationCode, ContractViolationError, type ContractViolationDetail } from './errors';
import {
  type DataClass,
  EVENT_DATA_CLASSES,
  EVENT_TYPES_REQUIRING_CHANNEL_ID,
  type EventDataMap,
  eventTypesOf,
  isKnownEventType,
  type KnownEventType,
} from './registry';
import { CHANNEL_CONFIG_TYPE, type ChannelConfigData } from './payloads/channel-config';
import { isPlainJsonObject } from './validation';
import { passesClassValidation, passesClassValidationAsPlain } from './validation-fast-path';

/**
 * Options used for every contract class: unknown properties of our own classes are errors. Free-form objects
 * (`context`, `settings`, DLQ `headers`/`details`) are not descended into, so their keys are not checked.
 */
export const CONTRACT_VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

/**
 * How a consumer treats fields its classes don't know (DESIGN §6): `reject` (the default, and always on produce) fails
 * validation; `strip` drops them, so a newer producer that added a field does not break an older consumer.
 */
export interface DecodeOptions {
  unknownFields?: 'reject' | 'strip';
}

const TOLERANT_VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = Object.freeze({ ...CONTRACT_VALIDATOR_OPTIONS, forbidNonWhitelisted: false });

/** Any raw Kafka value. `null` is a tombstone. */
export type RawValue = Buffer | Uint8Array | string | null | undefined;

/** An envelope of a registered type, discriminated on `type` so `switch (env.type)` narrows `data`. */
export type KnownEnvelope = {
  [K in KnownEventType]: EventEnvelope<EventDataMap[K]> & { type: K };
}[KnownEventType];

// ---------------------------------------------------------------------------------------------------------------
// Validation helpers

function joinPath(prefix: string, property: string, parentIsArray: boolean): string {
  if (parentIsArray && /^\d+$/.test(property)) return `${prefix}[${property}]`;
  return prefix ? `${prefix}.${property}` : property;
}

/** Flattens class-validator errors into `{ path, constraints }`, paths like `data.attachments[0].kind`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = '', parentIsArray = false): ContractViolationDetail[] {
  const out: ContractViolationDetail[] = [];
  for (const e of errors) {
    const path = joinPath(prefix, e.property, parentIsArray);
    if (e.constraints && Object.keys(e.constraints).length > 0) out.push({ path, constraints: { ...e.constraints } });
    if (e.children && e.children.length > 0) {
      // class-validator nests array items as children named "0", "1"… under the array property.
      const childIsArrayItem = e.children.every((c) => /^\d+$/.test(c.property));
      out.push(...flattenValidationErrors(e.children, path, childIsArrayItem));
    }
  }
  return out;
}

function validateInstance(instance: object, prefix: string, options: DecodeOptions = {}): ContractViolationDetail[] {
  const validatorOptions = options.unknownFields === 'strip' ? TOLERANT_VALIDATOR_OPTIONS : CONTRACT_VALIDATOR_OPTIONS;
  if (passesClassValidation(instance, validatorOptions)) return [];
  return flattenValidationErrors(validateSync(instance, validatorOptions), prefix);
}

/** plain JSON → instance of `cls` (nested classes via @Type); nothing is converted implicitly. */
function toInstance<T extends object>(cls: DataClass<T>, plain: Record<string, unknown>): T {
  return plainToInstance(cls, plain, { enableImplicitConversion: false, exposeDefaultValues: false });
}

/**
 * Validates a plain or class value against a contract class; returns an instance of `cls`.
 * Throws ContractViolationError(SCHEMA_INVALID). `pathPrefix` is prepended to reported paths.
 */
export function validateContract<T extends object>(cls: DataClass<T>, value: unknown, pathPrefix = ''): T {
  if (!isPlainJsonObject(value) && !(value instanceof cls)) {
    throw new ContractViolationError(ContractViolationCode.SchemaInvalid, [
      { path: pathPrefix, constraints: { isObject: `${pathPrefix || 'value'} must be a JSON object` } },
    ]);
  }
  const plain = parseJsonText(JSON.stringify(value)) as Record<string, unknown>;
  const instance = toInstance(cls, plain);
  const details = validateInstance(instance, pathPrefix);
  if (details.length > 0) throw new ContractViolationError(ContractViolationCode.SchemaInvalid, details);
  return instance;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/** Drops `__proto__` keys so a hostile payload cannot swap an object's prototype during transformation. */
function safeReviver(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/**
 * JSON.parse without `__proto__` keys. A reviver makes JSON.parse several times slower; only a text that may spell a
 * __proto__ key needs it (literally, or with \u escapes, which JSON.stringify emits only for control characters).
 */
function parseJsonText(text: string): unknown {
  const mayHideProto = text.includes('__proto__') || text.includes('\\u');
  return mayHideProto ? JSON.parse(text, safeReviver) : JSON.parse(text);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Raw bytes → parsed JSON; EMPTY_VALUE for null/empty, INVALID_JSON for bad UTF-8 or JSON. */
export function parseJsonValue(raw: RawValue): unknown {
  if (raw === null || raw === undefined || raw.length === 0) {
    throw new ContractViolationError(ContractViolationCode.EmptyValue, [], 'EMPTY_VALUE: the record value is null or empty');
  }
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    try {
      text = utf8.decode(raw);
    } catch {
      throw new ContractViolationError(ContractViolationCode.InvalidJson, [], 'INVALID_JSON: the value is not valid UTF-8');
    }
  }
  try {
    return parseJsonText(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ContractViolationError(ContractViolationCode.InvalidJson, [], `INVALID_JSON: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

function typeOf(parsed: unknown): string | undefined {
  return isPlainJsonObject(parsed) && typeof parsed.type === 'string' ? parsed.type : undefined;
}

/** Cross-field rules of the envelope that class-validator decorators cannot express. */
function envelopeInvariants(envelope: EventEnvelope<unknown>): ContractViolationDetail[] {
  const out: ContractViolationDetail[] = [];
  if (EVENT_TYPES_REQUIRING_CHANNEL_ID.has(envelope.type) && envelope.channelId === undefined) {
    out.push({
      path: 'channelId',
      constraints: { channelIdRequired: `channelId is required for ${envelope.type} envelopes` },
    });
  }
  if (envelope.type === CHANNEL_CONFIG_TYPE) {
    const data = envelope.data as ChannelConfigData;
    if (envelope.channelId !== undefined && data.channelId !== envelope.channelId) {
      out.push({
        path: 'data.channelId',
        constraints: { matchesEnvelope: 'data.channelId must equal the envelope channelId' },
      });
    }
    if (data.accountId !== envelope.accountId) {
      out.push({
        path: 'data.accountId',
        constraints: { matchesEnvelope: 'data.accountId must equal the envelope accountId' },
      });
    }
  }
  return out;
}

/**
 * Validates a parsed value as an envelope. With `dataClass` null only the envelope is checked (`data` must be an
 * object, its content is not looked at).
 */
function decodeParsed<T extends object>(parsed: unknown, dataClass: DataClass<T> | null, options: DecodeOptions = {}): EventEnvelope<T> {
  if (!isPlainJsonObject(parsed)) {
    throw new ContractViolationError(ContractViolationCode.SchemaInvalid, [
      { path: '', constraints: { isObject: 'the value must be a JSON object (an event envelope)' } },
    ]);
  }
  const eventType = typeOf(parsed);
  const rawData = parsed.data;

  // The envelope's own fields; `data` is only checked to be an object in this pass.
  const envelope = plainToInstance(EventEnvelope, { ...parsed, data: undefined }) as EventEnvelope<T>;
  if (isPlainJsonObject(rawData)) {
    envelope.data = dataClass ? toInstance(dataClass, rawData) : (rawData as T);
  } else if (rawData !== undefined) {
    envelope.data = rawData as T; // wrong shape: reported by the envelope's @IsObject
  }
  const details = validateInstance(envelope, '', options);

  let dataMatchesType = true;
  if (dataClass && eventType !== undefined && isKnownEventType(eventType) && EVENT_DATA_CLASSES[eventType] !== dataClass) {
    dataMatchesType = false;
    const expected = eventTypesOf(dataClass);
    details.push({
      path: 'type',
      constraints: {
        matchesDataClass:
          `type "${eventType}" does not carry ${dataClass.name}` +
          (expected.length ? ` (expected ${expected.join(' or ')})` : ''),
      },
    });
  }
  if (dataClass && dataMatchesType && isPlainJsonObject(rawData)) {
    details.push(...validateInstance(envelope.data, 'data', options));
  }
  if (details.length === 0) details.push(...envelopeInvariants(envelope));
  if (details.length > 0) {
    throw new ContractViolationError(ContractViolationCode.SchemaInvalid, details, undefined, eventType);
  }
  return envelope;
}

/**
 * True when decodeParsed(parsed, dataClass) would return, found without making class instances
 * (passesClassValidationAsPlain): what a producer needs, since it discards the decoded envelope. False means "not
 * known": decodeParsed then decides, and its errors are the ones reported.
 */
function isKnownValidAsPlain(parsed: unknown, dataClass: DataClass | null): boolean {
  if (!isPlainJsonObject(parsed)) return false;
  const eventType = typeOf(parsed);
  if (dataClass && eventType !== undefined && isKnownEventType(eventType) && EVENT_DATA_CLASSES[eventType] !== dataClass) return false;
  if (dataClass && !isPlainJsonObject(parsed.data)) return false;
  return (
    passesClassValidationAsPlain(EventEnvelope, parsed, CONTRACT_VALIDATOR_OPTIONS) &&
    (!dataClass || passesClassValidationAsPlain(dataClass, parsed.data as object, CONTRACT_VALIDATOR_OPTIONS)) &&
    envelopeInvariants(parsed as unknown as EventEnvelope<unknown>).length === 0
  );
}

/**
 * Decodes and validates a Kafka value as an envelope whose `data` is a `dataClass`.
 * Throws ContractViolationError: EMPTY_VALUE (null/empty — e.g. a config tombstone), INVALID_JSON,
 * SCHEMA_INVALID (with every failed rule in `details`). Returns class instances (envelope and data).
 * Consumers pass `{ unknownFields: 'strip' }` (DESIGN §6).
 */
export function decodeEnvelope<T extends object>(raw: RawValue, dataClass: DataClass<T>, options: DecodeOptions = {}): EventEnvelope<T> {
  return decodeParsed(parseJsonValue(raw), dataClass, options);
}

/**
 * Decodes an envelope of any registered type, choosing the data class by `type` (EVENT_DATA_CLASSES).
 * Unregistered type → ContractViolationError(UNKNOWN_EVENT_TYPE); otherwise like decodeEnvelope.
 */
export function decodeKnownEnvelope(raw: RawValue, options: DecodeOptions = {}): KnownEnvelope {
  const parsed = parseJsonValue(raw);
  const eventType = typeOf(parsed);
  if (!isKnownEventType(eventType)) {
    if (!isPlainJsonObject(parsed) || eventType === undefined) {
      // Not even an envelope with a type: report the envelope's schema errors.
      return decodeParsed(parsed, null, options) as never;
    }
    throw new ContractViolationError(
      ContractViolationCode.UnknownEventType,
      [{ path: 'type', constraints: { isKnownEventType: `unknown event type "${eventType}"` } }],
      undefined,
      eventType,
    );
  }
  return decodeParsed(parsed, EVENT_DATA_CLASSES[eventType] as DataClass, options) as KnownEnvelope;
}

export interface EncodeOptions {
  /**
   * Validate before encoding (default true): the envelope always, `data` with the class registered for its type
   * (or `dataClass` when given). A producer thus cannot put a value on Kafka that its consumers would reject.
   * Pass false only to produce deliberately broken values (tests of DLQ handling).
   */
  validate?: boolean;
  /** Data class to validate `data` with, for a type that is not in EVENT_DATA_CLASSES. */
  dataClass?: DataClass;
}

/** Envelope → JSON bytes for a Kafka record value. Throws ContractViolationError(SCHEMA_INVALID) when invalid. */
export function encodeEnvelope(envelope: EventEnvelope<unknown>, options: EncodeOptions = {}): Buffer {
  const json = JSON.stringify(envelope);
  if (json === undefined) {
    throw new ContractViolationError(ContractViolationCode.SchemaInvalid, [
      { path: '', constraints: { isObject: 'the envelope must be a JSON object' } },
    ]);
  }
  if (options.validate !== false) {
    const parsed = parseJsonText(json);
    const type = typeOf(parsed);
    const dataClass = options.dataClass ?? (isKnownEventType(type) ? EVENT_DATA_CLASSES[type] : undefined);
    // Without a class (unregistered type): the envelope is validated and data must be an object.
    if (!isKnownValidAsPlain(parsed, (dataClass as DataClass | undefined) ?? null)) decodeParsed(parsed, (dataClass as DataClass | undefined) ?? null);
  }
  return Buffer.from(json, 'utf8');
}

/** True for a Kafka tombstone (null value) — on channels.config.v1 it means the channel was deleted. */
/**
 * The envelope type of a raw record without validating it: the `x-event-type` header, else the value's `type`
 * (records of producers that did not set the header); undefined when neither is readable. Lets a consumer of a topic
 * shared by several event types skip the others before decoding.
 */
export function recordEventType(raw: RawValue, headers: Readonly<Record<string, RawHeaderValue>> | undefined | null): string | undefined {
  const header = readHeader(headers, HEADER_EVENT_TYPE);
  if (header) return header;
  try {
    const parsed = parseJsonValue(raw) as { type?: unknown } | null;
    return typeof parsed?.type === 'string' ? parsed.type : undefined;
  } catch {
    return undefined;
  }
}

export function isTombstone(raw: RawValue): raw is null | undefined {
  return raw === null || raw === undefined;
}
