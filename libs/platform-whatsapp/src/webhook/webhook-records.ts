import type { InboundMessageData, MessageStatusData } from '@crm/contracts';
import type { NormalizedWebhook, WhatsappSkipReason, WhatsappStatusReport } from '../normalize/normalize-webhook';

/** Why an update of a POST produced no record (beyond the normalizer's reasons). */
export type WhatsappDropReason =
  | WhatsappSkipReason
  /** For a business number no active channel of the same Meta app and account has. */
  | 'other-number'
  /** A status of a message we did not send (no / foreign biz_opaque_callback_data): sent by another app or by hand. */
  | 'foreign-status';

/** The records of one business number. */
export interface WhatsappNumberRecords {
  inbound: InboundMessageData[];
  statuses: MessageStatusData[];
}

export interface WhatsappWebhookRecords {
  /** By `phone_number_id`, in payload order. */
  byNumber: Map<string, WhatsappNumberRecords>;
  /** How many updates were dropped, by reason (acknowledged, counted, never retried). */
  dropped: Partial<Record<WhatsappDropReason, number>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The records a normalized POST produces, grouped by business number (a Meta app's callback URL receives the updates
 * of every number of the app): messages as they are, statuses of the messages we sent (found by the message id the send
 * put in biz_opaque_callback_data). Pure.
 */
export function groupWhatsappRecords(normalized: NormalizedWebhook): WhatsappWebhookRecords {
  const dropped: WhatsappWebhookRecords['dropped'] = {};
  const byNumber = new Map<string, WhatsappNumberRecords>();
  const of = (phoneNumberId: string) => byNumber.get(phoneNumberId) ?? byNumber.set(phoneNumberId, { inbound: [], statuses: [] }).get(phoneNumberId)!;
  for (const s of normalized.skipped) countDrop(dropped, s.reason);
  for (const m of normalized.messages) of(m.phoneNumberId).inbound.push(m.message);
  for (const s of normalized.statuses) {
    const status = statusRecord(s);
    if (status) of(s.phoneNumberId).statuses.push(status);
    else countDrop(dropped, 'foreign-status');
  }
  return { byNumber, dropped };
}

export function countDrop(dropped: WhatsappWebhookRecords['dropped'], reason: WhatsappDropReason, n = 1): void {
  dropped[reason] = (dropped[reason] ?? 0) + n;
}

function statusRecord(s: WhatsappStatusReport): MessageStatusData | undefined {
  if (!s.callbackData || !UUID.test(s.callbackData)) return undefined;
  return {
    messageId: s.callbackData,
    externalChatId: s.recipient,
    externalMessageId: s.externalMessageId,
    status: s.status,
    at: s.at,
    ...(s.status === 'failed' ? { errorCode: s.errorCode ?? 'WHATSAPP_ERROR', ...(s.errorMessage ? { errorMessage: s.errorMessage } : {}) } : {}),
  };
}
