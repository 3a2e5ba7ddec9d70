import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime, IsStringMap, Optional } from '../validation';

/**
 * DLQ values are NOT wrapped in an EventEnvelope (the account of a poison message may be unknown). This is the
 * `x-event-type` header value of a DLQ record, and the version of its format.
 */
export const DLQ_RECORD_TYPE = 'dlq.record';
/** Current version of the DLQ record format. */
export const DLQ_RECORD_VERSION = 1;

/** How `DlqRecord.payload` encodes the original value. */
export const DlqPayloadEncoding = {
  Utf8: 'utf8',
  Base64: 'base64',
} as const;
export type DlqPayloadEncoding = (typeof DlqPayloadEncoding)[keyof typeof DlqPayloadEncoding];
export const DLQ_PAYLOAD_ENCODINGS: readonly DlqPayloadEncoding[] = Object.freeze(Object.values(DlqPayloadEncoding));

/** The error that made the record poison. */
export class DlqError {
  /** Error class name, e.g. `ContractViolationError`, `QueryFailedError`. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name: string;

  @IsString()
  @MaxLength(10_000)
  message: string;

  /** Stable code when the error has one (e.g. `SCHEMA_INVALID`, a Postgres SQLSTATE). */
  @Optional()
  @IsString()
  @MaxLength(256)
  code?: string;

  /** Structured details (e.g. ContractViolationError.details); free-form. */
  @Optional()
  @IsArray()
  details?: unknown[];
}

/**
 * Value of a record on `<topic>.dlq.v1` (key = the original key). Carries everything needed to inspect and replay the
 * poison message: where it came from, why it failed, and the original value byte-exact (`payload`, utf8 text when the
 * bytes are valid UTF-8, else base64 — see `payloadEncoding`; null when the original value was null).
 */
export class DlqRecord {
  /** Prefixed name of the topic the message was consumed from. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(249)
  originalTopic: string;

  @IsInt()
  @Min(0)
  partition: number;

  /** Kafka offset as a decimal string (int64 does not fit a JS number). */
  @IsString()
  @Matches(/^\d+$/, { message: 'offset must be a non-negative decimal integer string' })
  offset: string;

  /** Original key as UTF-8 text; null/absent when the message had no key. */
  @ValidateIf((o: DlqRecord) => o.key !== null && o.key !== undefined)
  @IsString()
  key?: string | null;

  /** Original headers (UTF-8), e.g. x-event-type and x-correlation-id, to replay them faithfully. */
  @Optional()
  @IsStringMap()
  headers?: Record<string, string>;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => DlqError)
  error: DlqError;

  /** How many times the handler was tried before giving up; 0 when the value could not even be decoded. */
  @IsInt()
  @Min(0)
  attempts: number;

  @IsIsoDateTime()
  failedAt: string;

  @IsIn(DLQ_PAYLOAD_ENCODINGS)
  payloadEncoding: DlqPayloadEncoding;

  /** The original value: text when `payloadEncoding` is utf8, base64 when it is base64; null for a null value. */
  @ValidateIf((o: DlqRecord) => o.payload !== null)
  @IsString()
  payload: string | null;
}
