// @crm/platform-vk — VK communities (Callback API + VK API 5.199) as a channel type, and the pure pieces
// connector-vk is built from: the API client, the Callback normalizer, the secret check, the outbound plan.
export { VK_DESCRIPTOR, VkChannelTypeAdapter } from './vk.channel-type';
export { VK_ACCESS_TOKEN_PATTERN, VK_CONFIRMATION_CODE_PATTERN, VkSettings } from './vk.settings';
export { VkApiClient, type VkApiOptions, type VkGroup, type VkParam, type VkSendParams, type VkUser } from './api/vk-api.client';
export { classifyVkError, VK_API_VERSION, VK_RATE_LIMIT_WAIT_MS, VkCallError, VkErrorCode, type VkFailure, type VkResult } from './api/vk-failure';
export { checkVkCredentials, type VkCredentials } from './api/vk-credentials';
export { VK_SECRET_MAX_LENGTH, vkSecretMatches } from './callback/callback-secret';
export type { VkAttachment, VkCallback, VkMessage } from './callback/vk-callback.types';
export { isVkCallback, normalizeVkCallback, VK_CHAT_PEER_OFFSET, vkMessageKey, type VkCallbackOutcome, type VkSkipReason } from './normalize/normalize-callback';
export { planVkSend, splitText, VK_ATTACHMENTS_PER_MESSAGE, VK_TEXT_LIMIT, vkPeerId, type SendPart } from './outbound/send-plan';
export { classifyVkSendFailure, VkSendError } from './outbound/send-outcome';
export { assessVkFailure, resolveVkChannel, VkHealthCause, type VkChannelState } from './channel/vk-channel';
export { isVkFileUrl, openVkFile } from './files/vk-files';
