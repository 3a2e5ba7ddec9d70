// @crm/widget-visitor — the pure rules of the website widget's visitor side: which origins may use a channel, the
// signed visitor token, the pre-chat profile, the channel's widget settings, rate limiting and history cursors.
// No Nest, no TypeORM, no kafkajs.
export { isOriginAllowed, normalizeOrigin } from './origin-policy';
export { newVisitorId, VisitorTokens, type IssuedVisitorToken, type VisitorClaims } from './visitor-token';
export {
  cleanProfile,
  missingPreChatFields,
  PHONE_PATTERN,
  PRE_CHAT_FIELDS,
  PROFILE_LIMITS,
  profileProblems,
  type PreChatField,
  type PreChatForm,
  type VisitorProfile,
} from './visitor-profile';
export { readWidgetSettings, type WidgetSettings } from './widget-settings';
export { RateLimiter, type RateDecision, type RateLimiterOptions } from './rate-limiter';
export { decodeCursor, encodeCursor, type HistoryPosition } from './history-cursor';
