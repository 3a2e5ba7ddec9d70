import { ErrorCode } from './error-code';

/** Structured, client-safe detail (e.g. `[{ path, constraints }]` for validation failures). */
export type ErrorDetails = unknown;

/**
 * An expected failure of a use-case: a stable code, optional details for the client, and parameters for the
 * localized message. Carries no transport concern (no HTTP status, no Kafka semantics).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'DomainError';
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
