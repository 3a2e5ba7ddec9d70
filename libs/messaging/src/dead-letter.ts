import { KafkaMessage } from 'kafkajs';
import { OutgoingMessage } from './event-producer';

export const DLQ_ERROR_HEADER = 'x-dlq-error';

export interface DeadLetterRecord {
  originalTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  error: { name: string; message: string; code?: string };
  attempts: number;
  failedAt: string;
  /** The original value: utf8 text when it is valid UTF-8, base64 otherwise (see payloadEncoding); null for a tombstone. */
  payload: string | null;
  payloadEncoding: 'utf8' | 'base64';
}

/** The value written to `<topic>.dlq.v1`: the error, the original coordinates and the original bytes. */
export function buildDeadLetter(input: {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>;
  error: unknown;
  attempts: number;
}): OutgoingMessage {
  const { message } = input;
  const value = message.value;
  const utf8 = value ? isUtf8(value) : true;
  const err = input.error instanceof Error ? input.error : new Error(String(input.error));
  const code = (err as { code?: unknown }).code;
  const record: DeadLetterRecord = {
    originalTopic: input.topic,
    partition: input.partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    error: { name: err.name, message: err.message.slice(0, 4000), ...(code !== undefined ? { code: String(code) } : {}) },
    attempts: input.attempts,
    failedAt: new Date().toISOString(),
    payload: value ? value.toString(utf8 ? 'utf8' : 'base64') : null,
    payloadEncoding: utf8 ? 'utf8' : 'base64',
  };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : v.toString();
  }
  headers[DLQ_ERROR_HEADER] = record.error.code ?? record.error.name;
  return { key: record.key, value: JSON.stringify(record), headers };
}

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}
