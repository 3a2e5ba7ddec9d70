/** VK API version every call names (`v`), PLATFORMS.md §3. */
export const VK_API_VERSION = '5.199';

/** The VK error codes the connector branches on (schema errors.json). */
export const VkErrorCode = {
  Unknown: 1,
  UserAuthorizationFailed: 5,
  TooManyRequestsPerSecond: 6,
  PermissionDenied: 7,
  FloodControl: 9,
  InternalServerError: 10,
  AccessDenied: 15,
  GroupAuthorizationFailed: 27,
  ApplicationAuthorizationFailed: 28,
  RateLimitReached: 29,
  InvalidParameter: 100,
  UserInBlacklist: 900,
  CannotSendWithoutPermission: 901,
  PrivacySettings: 902,
  MessageTooLong: 914,
} as const;

/**
 * A failed VK call, as the caller has to treat it:
 * - `rejected`: VK refuses the token (5 user / 27 group / 28 app authorization failed);
 * - `rate-limited`: 6 too many requests per second, 9 flood control, 29 rate limit reached — wait, then try again;
 * - `unavailable`: VK could not answer (network error, timeout, HTTP error, a body that is no VK answer, 1 unknown,
 *   10 internal error) — try again later;
 * - `permanent`: any other error VK reported (901 cannot message the user, 100 invalid parameter…) — retrying the same
 *   call cannot help.
 * `description` never contains the token.
 */
export type VkFailure =
  | { kind: 'rejected'; errorCode: number; description: string }
  | { kind: 'rate-limited'; errorCode: number; description: string; retryAfterMs: number }
  | { kind: 'unavailable'; errorCode?: number; description: string }
  | { kind: 'permanent'; errorCode: number; description: string };

export type VkResult<T> = { ok: true; value: T } | { ok: false; failure: VkFailure };

/** How long to wait after a rate-limit error (VK gives no Retry-After): a second for the 20 req/s window, longer for flood control. */
export const VK_RATE_LIMIT_WAIT_MS: Readonly<Record<number, number>> = {
  [VkErrorCode.TooManyRequestsPerSecond]: 1_000,
  [VkErrorCode.FloodControl]: 5_000,
  [VkErrorCode.RateLimitReached]: 60_000,
};

const REJECTED = new Set<number>([VkErrorCode.UserAuthorizationFailed, VkErrorCode.GroupAuthorizationFailed, VkErrorCode.ApplicationAuthorizationFailed]);
const UNAVAILABLE = new Set<number>([VkErrorCode.Unknown, VkErrorCode.InternalServerError]);

/** The failure of a VK `error` object (`{ error_code, error_msg }`, delivered with HTTP 200). */
export function classifyVkError(errorCode: number, errorMsg: string): VkFailure {
  const description = `${errorCode} ${errorMsg}`.trim().slice(0, 500);
  if (REJECTED.has(errorCode)) return { kind: 'rejected', errorCode, description };
  const wait = VK_RATE_LIMIT_WAIT_MS[errorCode];
  if (wait !== undefined) return { kind: 'rate-limited', errorCode, description, retryAfterMs: wait };
  if (UNAVAILABLE.has(errorCode)) return { kind: 'unavailable', errorCode, description };
  return { kind: 'permanent', errorCode, description };
}

/** A VK failure thrown through code that expects exceptions (the kit's DeliveryContext.call → classifyFailure). */
export class VkCallError extends Error {
  constructor(readonly failure: VkFailure) {
    super(failure.description);
    this.name = 'VkCallError';
  }
}
