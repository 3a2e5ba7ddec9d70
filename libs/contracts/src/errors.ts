/** Why a Kafka value does not satisfy its contract. */
export const ContractViolationCode = {
  /** Not valid UTF-8 or not parseable JSON. */
  InvalidJson: 'INVALID_JSON',
  /** Valid JSON that does not match the envelope or the data class (missing/unknown field, wrong enum, bad id…). */
  SchemaInvalid: 'SCHEMA_INVALID',
  /** Null or empty value — on channels.config.v1 a null value is the tombstone of a deleted channel. */
  EmptyValue: 'EMPTY_VALUE',
  /** A well-formed envelope whose `type` has no registered data class (decodeKnownEnvelope only). */
  UnknownEventType: 'UNKNOWN_EVENT_TYPE',
} as const;
export type ContractViolationCode = (typeof ContractViolationCode)[keyof typeof ContractViolationCode];

/** One failed rule: the JSON path of the offending value (`data.attachments[0].platformFileId`) and rule → message. */
export interface ContractViolationDetail {
  /** Dotted path from the root of the value; array items as `[i]`; '' for the root itself. */
  path: string;
  /** class-validator constraint name → message (e.g. `{ isUuid: 'accountId must be a UUID' }`). */
  constraints: Record<string, string>;
}

const MAX_DETAILS_IN_MESSAGE = 5;

/** Thrown when producing or consuming a value that breaks its contract. Safe to log (carries no payload values). */
export class ContractViolationError extends Error {
  constructor(
    readonly code: ContractViolationCode,
    readonly details: ContractViolationDetail[] = [],
    message?: string,
    /** Envelope type, when it could be read. */
    readonly eventType?: string,
  ) {
    super(message ?? ContractViolationError.describe(code, details, eventType));
    this.name = 'ContractViolationError';
  }

  private static describe(code: ContractViolationCode, details: ContractViolationDetail[], eventType?: string): string {
    const what = eventType ? ` (${eventType})` : '';
    if (details.length === 0) return `${code}${what}`;
    const shown = details
      .slice(0, MAX_DETAILS_IN_MESSAGE)
      .map((d) => `${d.path || '<root>'}: ${Object.values(d.constraints).join('; ')}`);
    const more = details.length > MAX_DETAILS_IN_MESSAGE ? ` (+${details.length - MAX_DETAILS_IN_MESSAGE} more)` : '';
    return `${code}${what}: ${shown.join(' | ')}${more}`;
  }

  /** Plain JSON view (for logs and DLQ records). */
  toJSON(): { name: string; code: ContractViolationCode; message: string; details: ContractViolationDetail[] } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Type guard that also works across module copies (checks name + code rather than the prototype only). */
export function isContractViolationError(err: unknown): err is ContractViolationError {
  if (err instanceof ContractViolationError) return true;
  return (
    err instanceof Error &&
    err.name === 'ContractViolationError' &&
    Object.values(ContractViolationCode).includes((err as { code?: unknown }).code as ContractViolationCode)
  );
}
