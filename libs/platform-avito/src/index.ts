// @crm/platform-avito — Avito Messenger as a channel type (settings, the live credential check on save) and the pieces
// the connector reuses: the API client and its failures, the shared access-token provider (store port), the webhook
// normalizer and listing context, hook-secret URLs, reply splitting.
export { AVITO_DESCRIPTOR, AvitoChannelTypeAdapter } from './avito.channel-type';
export { AVITO_CLIENT_ID_PATTERN, AVITO_CLIENT_SECRET_PATTERN, AvitoSettings } from './avito.settings';
export { AvitoApiClient, type AvitoApiOptions, type CallOptions, type IssuedToken } from './api/avito-api.client';
export type { AvitoChatInfo, AvitoMessageContent, AvitoSelf, AvitoWebhookBody, AvitoWebhookMessage } from './api/avito-api.types';
export { checkAvitoCredentials } from './api/avito-credentials';
export {
  type AvitoFailure,
  type AvitoResult,
  classifyAvitoStatus,
  DEFAULT_RETRY_AFTER_MS,
  describeAvitoFailure,
  errorOfBody,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from './api/avito-failure';
export { AvitoTokenProvider, type AvitoCredentials, type AvitoTokenProviderOptions } from './auth/avito-token.provider';
export { InMemoryAvitoTokenStore, type AvitoTokenKey, type AvitoTokenStore, type StoredAvitoToken } from './auth/avito-token.store';
export { isAvitoWebhook, MISSED_CALL_TEXT, normalizeAvitoWebhook, type AvitoSkipReason, type AvitoWebhookMeta, type NormalizedAvitoWebhook } from './normalize/normalize-webhook';
export { chatFactsOf, listingLeadTitle, withChatFacts, type AvitoChatFacts, type AvitoListingItem } from './normalize/listing';
export { AVITO_WEBHOOK_PATH, avitoWebhookUrl } from './webhook/hook-secret';
export { AVITO_TEXT_LIMIT, splitReply } from './outbound/split-reply';
export { assessAvitoFailure, AvitoHealthCause, avitoConnectionKey, resolveAvitoChannel, type AvitoChannelState } from './channel/avito-channel';
export { AvitoSendError, classifyAvitoSendFailure } from './outbound/send-failure';
export { isAvitoFileUrl, openAvitoFile, type AvitoFileRequest } from './files/avito-files';
