// Graph API error codes the connector branches on (PLATFORMS.md §2: branch on `error.code`, never on titles).

export const GraphErrorCode = {
  /** Generic OAuth error (bad token) and expired/invalid token. */
  AuthUnknown: 0,
  TokenInvalid: 190,
  /** Invalid parameter; with a node id: "Object with ID … does not exist" (unknown phone number id). */
  InvalidParameter: 100,
  /** App-level call-rate limit. */
  AppRateLimit: 4,
  /** WABA rate limit. */
  WabaRateLimit: 80007,
  /** Cloud API throughput reached. */
  ThroughputReached: 130429,
  /** Spam rate limit. */
  SpamRateLimit: 131048,
  /** Pair rate limit: too many messages to the same user. */
  PairRateLimit: 131056,
  /** Re-engagement: more than 24 h since the user's last message (use a template). */
  WindowClosed: 131047,
  Undeliverable: 131026,
  RecipientNotAllowed: 131030,
  UnsupportedType: 131051,
  MediaDownload: 131052,
  MediaUpload: 131053,
  Generic: 131000,
  BsuidRecipientUnsupported: 131062,
  TemporarilyBlocked: 368,
  AccountLocked: 131031,
} as const;

/** Permission errors (3, 10, 200–299): the token lacks a permission. */
export function isPermissionError(code: number): boolean {
  return code === 3 || code === 10 || (code >= 200 && code <= 299);
}

/** Codes that say "too fast — wait and send the same request again". */
export function isRateLimitError(code: number): boolean {
  return code === GraphErrorCode.AppRateLimit || code === GraphErrorCode.WabaRateLimit || code === GraphErrorCode.ThroughputReached || code === GraphErrorCode.PairRateLimit;
}

/** Codes that say the token itself is not (or no longer) accepted: the channel needs re-authorization. */
export function isAuthError(code: number): boolean {
  return code === GraphErrorCode.TokenInvalid || code === GraphErrorCode.AuthUnknown;
}

/** Stable upper-snake codes of a failed outbound WhatsApp message (MessageStatusData.errorCode). */
export const WhatsappSendError = {
  WindowClosed: 'WHATSAPP_WINDOW_CLOSED',
  TokenInvalid: 'WHATSAPP_TOKEN_INVALID',
  PermissionDenied: 'WHATSAPP_PERMISSION_DENIED',
  Undeliverable: 'WHATSAPP_UNDELIVERABLE',
  RecipientNotAllowed: 'WHATSAPP_RECIPIENT_NOT_ALLOWED',
  TemplateInvalid: 'WHATSAPP_TEMPLATE_INVALID',
  MediaFailed: 'WHATSAPP_MEDIA_FAILED',
  SpamLimited: 'WHATSAPP_SPAM_RATE_LIMIT',
  Blocked: 'WHATSAPP_ACCOUNT_BLOCKED',
  /** Any other Graph error: `WHATSAPP_ERROR_<code>`. */
  Other: 'WHATSAPP_ERROR',
  Unavailable: 'PLATFORM_UNAVAILABLE',
  ChannelInactive: 'CHANNEL_INACTIVE',
} as const;

const TEMPLATE_CODES = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);

/** The stable error code of a message that failed with Graph error `code` (synchronously or in a status webhook). */
export function sendErrorCodeOf(code: number | undefined): string {
  if (code === undefined) return WhatsappSendError.Other;
  if (code === GraphErrorCode.WindowClosed) return WhatsappSendError.WindowClosed;
  if (isAuthError(code)) return WhatsappSendError.TokenInvalid;
  if (isPermissionError(code)) return WhatsappSendError.PermissionDenied;
  if (code === GraphErrorCode.Undeliverable) return WhatsappSendError.Undeliverable;
  if (code === GraphErrorCode.RecipientNotAllowed) return WhatsappSendError.RecipientNotAllowed;
  if (TEMPLATE_CODES.has(code)) return WhatsappSendError.TemplateInvalid;
  if (code === GraphErrorCode.MediaDownload || code === GraphErrorCode.MediaUpload) return WhatsappSendError.MediaFailed;
  if (code === GraphErrorCode.SpamRateLimit) return WhatsappSendError.SpamLimited;
  if (code === GraphErrorCode.TemporarilyBlocked || code === GraphErrorCode.AccountLocked) return WhatsappSendError.Blocked;
  return `${WhatsappSendError.Other}_${code}`;
}
