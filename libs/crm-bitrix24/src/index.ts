// @crm/crm-bitrix24 — the Bitrix24 adapter of the CRM port (@crm/crm-port): incoming-webhook REST client, batch
// planning (contact → lead → comments with $result references), error classification, the live webhook check.
export { BITRIX24_BATCH_LIMIT, interpretBatch, planBitrix24Batch, type Bitrix24BatchPlan, type PlannedCommand } from './bitrix24-batch-plan';
export { Bitrix24Client, type Bitrix24Answer, type BatchEntry } from './bitrix24-client';
export { Bitrix24ApiError, classifyBitrix24Error, recordErrorCode, type Bitrix24ErrorClass } from './bitrix24-errors';
export { channelLabel, commentText, contactFields, leadFields, ORIGINATOR_ID } from './bitrix24-fields';
export { BatchReference, batchCommand, type QueryValue } from './bitrix24-query';
export { BITRIX24_WEBHOOK_URL_PATTERN, parseBitrix24Webhook, type Bitrix24Webhook } from './bitrix24-webhook-url';
export {
  BITRIX24_RATE_LIMIT,
  BITRIX24_SCOPE_MISSING,
  BITRIX24_WEBHOOK_INVALID,
  Bitrix24CrmAdapter,
  verificationOutcome,
  WEBHOOK_URL_REFUSED,
  type Bitrix24Connection,
} from './bitrix24.crm-adapter';
