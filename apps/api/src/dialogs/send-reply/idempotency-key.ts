import { DomainError, ErrorCode } from '@crm/domain';

/** The request header that makes a reply safe to repeat (as Stripe's and the IETF draft's `Idempotency-Key`). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on the answer when it is the reply an earlier request with the same key created. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The header's value: absent → undefined; else 1–255 visible ASCII characters (a UUID, usually), or 400 VALIDATION_FAILED. */
export function parseIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && KEY.test(value)) return value;
  throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: IDEMPOTENCY_KEY_HEADER, constraints: [`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters`] }]);
}
