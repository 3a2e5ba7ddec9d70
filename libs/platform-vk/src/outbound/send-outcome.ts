import type { CallFailure } from '@crm/connector-kit';
import { VkErrorCode, type VkFailure } from '../api/vk-failure';

/** Stable error codes of a failed outbound VK message (MessageStatusData.errorCode). */
export const VkSendError = {
  /** 901/902/900, or the user sent message_deny: the community may not write to this user. */
  CannotMessageUser: 'VK_CANNOT_MESSAGE_USER',
  /** 5/27/28: VK rejects the community token (the channel needs re-authorization). */
  TokenInvalid: 'VK_TOKEN_INVALID',
  /** 914: the text is too long for VK. */
  MessageTooLong: 'VK_MESSAGE_TOO_LONG',
  /** The chat is no private chat with a user (group chat, bad id). */
  UnsupportedPeer: 'VK_UNSUPPORTED_PEER',
  /** Any other error VK reported: retrying the same request cannot help. */
  BadRequest: 'VK_BAD_REQUEST',
  /** VK kept answering 6/9/29 for the whole retry window. */
  RateLimited: 'VK_RATE_LIMITED',
  /** The random_id sequence of the channel is exhausted (2^31 − 1 messages). */
  SequenceExhausted: 'VK_RANDOM_ID_EXHAUSTED',
} as const;

const CANNOT_MESSAGE = new Set<number>([VkErrorCode.UserInBlacklist, VkErrorCode.CannotSendWithoutPermission, VkErrorCode.PrivacySettings]);

/**
 * What the kit's retry does after a failed messages.send: 6/9/29 → wait and repeat (random_id makes the repeat safe);
 * unreachable / 1 / 10 → retry with backoff; 5/27/28 → VK_TOKEN_INVALID; 900/901/902 → VK_CANNOT_MESSAGE_USER;
 * 914 → VK_MESSAGE_TOO_LONG; anything else → VK_BAD_REQUEST.
 */
export function classifyVkSendFailure(failure: VkFailure): CallFailure {
  const { description } = failure;
  switch (failure.kind) {
    case 'rate-limited':
      return { action: 'retry-after', retryAfterMs: failure.retryAfterMs, description, scope: 'channel' };
    case 'unavailable':
      return { action: 'retry', description };
    case 'rejected':
      return { action: 'fail', errorCode: VkSendError.TokenInvalid, description };
    case 'permanent':
      if (CANNOT_MESSAGE.has(failure.errorCode)) return { action: 'fail', errorCode: VkSendError.CannotMessageUser, description };
      if (failure.errorCode === VkErrorCode.MessageTooLong) return { action: 'fail', errorCode: VkSendError.MessageTooLong, description };
      return { action: 'fail', errorCode: VkSendError.BadRequest, description };
  }
}
