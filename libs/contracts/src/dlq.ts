import { type RawValue, parseJsonValue, validateContract } from './codec';
import { type RawHeaderValue } from './envelope';
import { isContractViolationError } from './errors';
import { DlqError, DlqPayloadEncoding, DlqRecord } from './payloads/dlq-record';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_ERROR_MESSAGE = 10_000;

export interface CreateDlqRecordInput {
  /** Prefixed topic the poison record was consumed from. */
  originalTopic: string;
  partition: number;
  /** Kafka offset (kafkajs gives a decimal string). */
  offset: string | number | bigint;
  key?: Buffer | Uint8Array | string | null;
  value: RawValue;
  headers?: Readonly<Record<string, RawHeaderValue>> | null;
  /** What was thrown; Error name/message/code are kept, ContractViolationError details too. */
  error: unknown;
  attempts: number;
  failedAt?: Date | string;
}

function bytesToText(raw: Buffer | Uint8Array): string | undefined {
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

/** Any thrown value → DlqError (name, message truncated to 10 000 chars, code when string/number, details). */
export function toDlqError(error: unknown): DlqError {
  const out = new DlqError();
  if (error instanceof Error) {
    out.name = error.name || 'Error';
    out.message = error.message.slice(0, MAX_ERROR_MESSAGE);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
    if (isContractViolationError(error)) out.details = error.details.map((d) => ({ ...d }));
  } else {
    out.name = 'NonError';
    out.message = (typeof error === 'string' ? error : safeStringify(error)).slice(0, MAX_ERROR_MESSAGE);
  }
  return out;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function headersToStrings(headers: Readonly<Record<string, RawHeaderValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    const first = Array.isArray(v) ? (v as ReadonlyArray<Buffer | string>)[0] : (v as Buffer | string | undefined);
    if (first === undefined || first === null) continue;
    out[name] = typeof first === 'string' ? first : Buffer.from(first).toString('utf8');
  }
  return out;
}

/**
 * Builds the DLQ value for a poison record: `payload` keeps the original value byte-exact (UTF-8 text, or base64 when
 * the bytes are not valid UTF-8). The key is kept as UTF-8 text.
 */
export function createDlqRecord(input: CreateDlqRecordInput): DlqRecord {
  const r = new DlqRecord();
  r.originalTopic = input.originalTopic;
  r.partition = input.partition;
  r.offset = String(input.offset);
  if (input.key !== undefined && input.key !== null) {
    r.key = typeof input.key === 'string' ? input.key : Buffer.from(input.key).toString('utf8');
  } else {
    r.key = null;
  }
  if (input.headers) r.headers = headersToStrings(input.headers);
  r.error = toDlqError(input.error);
  r.attempts = input.attempts;
  const at = input.failedAt ?? new Date();
  r.failedAt = at instanceof Date ? at.toISOString() : at;
  const value = input.value;
  if (value === null || value === undefined) {
    r.payloadEncoding = DlqPayloadEncoding.Utf8;
    r.payload = null;
  } else if (typeof value === 'string') {
    r.payloadEncoding = DlqPayloadEncoding.Utf8;
    r.payload = value;
  } else {
    const text = bytesToText(value);
    r.payloadEncoding = text === undefined ? DlqPayloadEncoding.Base64 : DlqPayloadEncoding.Utf8;
    r.payload = text ?? Buffer.from(value).toString('base64');
  }
  return r;
}

/** DLQ record → JSON bytes (validated; throws ContractViolationError(SCHEMA_INVALID)). */
export function encodeDlqRecord(record: DlqRecord): Buffer {
  validateContract(DlqRecord, record);
  return Buffer.from(JSON.stringify(record), 'utf8');
}

/** JSON bytes → validated DlqRecord instance (EMPTY_VALUE / INVALID_JSON / SCHEMA_INVALID like decodeEnvelope). */
export function decodeDlqRecord(raw: RawValue): DlqRecord {
  return validateContract(DlqRecord, parseJsonValue(raw));
}

/** The original value's bytes, to replay the record onto its original topic (null for a null original value). */
export function dlqPayloadBytes(record: Pick<DlqRecord, 'payload' | 'payloadEncoding'>): Buffer | null {
  if (record.payload === null) return null;
  return Buffer.from(record.payload, record.payloadEncoding === DlqPayloadEncoding.Base64 ? 'base64' : 'utf8');
}
