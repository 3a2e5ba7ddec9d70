// @crm/platform-whatsapp — WhatsApp Business Cloud API as a channel type (settings, the live Graph check, templates),
// and what the connector reuses: the webhook normalizer, signature and handshake checks, the Graph client, send plans.
export { WHATSAPP_DESCRIPTOR, WhatsappChannelTypeAdapter, type WhatsappGraphOptions } from './whatsapp.channel-type';
export {
  WHATSAPP_ACCESS_TOKEN_PATTERN,
  WHATSAPP_APP_SECRET_PATTERN,
  WHATSAPP_BUSINESS_ACCOUNT_ID_PATTERN,
  WHATSAPP_PHONE_NUMBER_ID_PATTERN,
  WhatsappSettings,
} from './whatsapp.settings';
export {
  classifyGraphResponse,
  GRAPH_API_VERSION,
  WhatsappGraphClient,
  type GraphClientOptions,
  type GraphFailure,
  type GraphMedia,
  type GraphPhoneNumber,
  type GraphResult,
  type GraphSendResponse,
  type GraphTemplate,
} from './graph-api/graph-client';
export { GraphErrorCode, isAuthError, isPermissionError, isRateLimitError, sendErrorCodeOf, WhatsappSendError } from './graph-api/graph-error-codes';
export {
  isWhatsappWebhook,
  normalizeWhatsappWebhook,
  type NormalizedWebhook,
  type WhatsappInbound,
  type WhatsappSkip,
  type WhatsappSkipReason,
  type WhatsappStatusReport,
} from './normalize/normalize-webhook';
export { answerVerifyHandshake, checkWhatsappSignature, signWhatsappBody, WHATSAPP_SIGNATURE_HEADER, type HandshakeAnswer, type SignatureCheck } from './webhook/webhook-signature';
export type { WaContact, WaMessage, WaStatus, WaValue, WaWebhook } from './webhook/whatsapp-webhook.types';
export { planWhatsappMessage, splitText, WHATSAPP_CAPTION_LIMIT, WHATSAPP_TEXT_LIMIT, whatsappRecipient, type WhatsappMessageBody } from './outbound/send-plan';
export { classifyWhatsappFailure, GraphCallError, WHATSAPP_SEND_LIMITS } from './outbound/send-outcome';
export { countDrop, groupWhatsappRecords, type WhatsappDropReason, type WhatsappNumberRecords, type WhatsappWebhookRecords } from './webhook/webhook-records';
export { resolveWhatsappChannel, type WhatsappChannelState } from './registry/whatsapp-channel-state';
