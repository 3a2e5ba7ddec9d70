import type { DeliveryStatus, InboundMessageData, InboundSender } from '@crm/contracts';
import { sendErrorCodeOf } from '../graph-api/graph-error-codes';
import type { WaContact, WaMessage, WaStatus, WaValue, WaWebhook } from '../webhook/whatsapp-webhook.types';
import { contentOf } from './message-content';
import { isObject, str, unixStringToIso } from './values';

/** A normalized inbound message and the business number it was sent to (webhooks route by `phone_number_id`). */
export interface WhatsappInbound {
  phoneNumberId: string;
  message: InboundMessageData;
}

/** A delivery status of one of OUR messages (never stored as an inbound message). */
export interface WhatsappStatusReport {
  phoneNumberId: string;
  /** The wamid of the outbound message. */
  externalMessageId: string;
  /** The recipient as the status names it (BSUID when present, else wa_id). */
  recipient: string;
  status: DeliveryStatus;
  at: string;
  /** `biz_opaque_callback_data` echoed from the send: our message id (the connector sets it on every message). */
  callbackData?: string;
  /** For `failed`: the Graph error code, its stable code (WHATSAPP_WINDOW_CLOSED…) and a readable detail. */
  graphErrorCode?: number;
  errorCode?: string;
  errorMessage?: string;
}

/** Why an update of the POST produced nothing (each is acknowledged and counted, never retried). */
export type WhatsappSkipReason =
  /** A change of another `field` (account_update, message_template_status_update…). */
  | 'field'
  /** A reaction to a message: not a message. */
  | 'reaction'
  /** A status the contract has no value for (`played`…). */
  | 'status-kind'
  /** A message or status without the ids every one has. */
  | 'malformed'
  /** `value.errors[]`: Meta reports a problem of the webhook itself. */
  | 'platform-error';

export interface WhatsappSkip {
  reason: WhatsappSkipReason;
  detail: string;
}

export interface NormalizedWebhook {
  messages: WhatsappInbound[];
  statuses: WhatsappStatusReport[];
  skipped: WhatsappSkip[];
}

const DELIVERY: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);
const SHORT = 1000;

/** A shape check of a webhook body: `object: whatsapp_business_account` with an `entry` array. */
export function isWhatsappWebhook(body: unknown): body is WaWebhook & { entry: unknown[] } {
  return isObject(body) && (body as WaWebhook).object === 'whatsapp_business_account' && Array.isArray((body as WaWebhook).entry);
}

/**
 * A webhook POST → every message and status of every entry and change it batches, in payload order, plus what was
 * skipped and why. Pure: no I/O, no clock; the same body always gives the same result (externalMessageId = the
 * wamid, so redeliveries dedupe).
 */
export function normalizeWhatsappWebhook(body: WaWebhook): NormalizedWebhook {
  const out: NormalizedWebhook = { messages: [], statuses: [], skipped: [] };
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    for (const change of isObject(entry) && Array.isArray(entry.changes) ? entry.changes : []) {
      if (!isObject(change) || change.field !== 'messages' || !isObject(change.value)) {
        out.skipped.push({ reason: 'field', detail: String((isObject(change) && change.field) || 'unknown') });
        continue;
      }
      normalizeValue(change.value, out);
    }
  }
  return out;
}

function normalizeValue(value: WaValue, out: NormalizedWebhook): void {
  const phoneNumberId = str(value.metadata?.phone_number_id);
  if (!phoneNumberId) {
    out.skipped.push({ reason: 'malformed', detail: 'metadata.phone_number_id missing' });
    return;
  }
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
  for (const message of Array.isArray(value.messages) ? value.messages : []) {
    if (!isObject(message)) continue;
    if (message.type === 'reaction') {
      out.skipped.push({ reason: 'reaction', detail: str(message.id) ?? 'reaction' });
      continue;
    }
    const normalized = normalizeMessage(message, contacts);
    if (typeof normalized === 'string') out.skipped.push({ reason: 'malformed', detail: normalized });
    else out.messages.push({ phoneNumberId, message: normalized });
  }
  for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
    if (!isObject(status)) continue;
    const report = normalizeStatus(status, phoneNumberId);
    if ('reason' in report) out.skipped.push(report);
    else out.statuses.push(report);
  }
  for (const error of Array.isArray(value.errors) ? value.errors : []) {
    out.skipped.push({ reason: 'platform-error', detail: `${isObject(error) ? (error.code ?? '') : ''} ${isObject(error) ? (error.title ?? error.message ?? '') : ''}`.trim() });
  }
}

/** The message, or why it is malformed. */
function normalizeMessage(m: WaMessage, contacts: WaContact[]): InboundMessageData | string {
  const id = str(m.id);
  const sentAt = unixStringToIso(m.timestamp);
  const waId = digits(m.from);
  const contact = contacts.find((c) => (waId !== undefined && c.wa_id === waId) || (str(m.from_user_id) !== undefined && c.user_id === m.from_user_id)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const userId = str(m.from_user_id) ?? str(contact?.user_id);
  const key = userId ?? waId ?? digits(contact?.wa_id);
  if (!id || !sentAt || !key) return 'id, timestamp or sender (from / from_user_id) missing';

  const content = contentOf(m);
  const context: Record<string, unknown> = { ...content.context };
  const phoneOf = waId ?? digits(contact?.wa_id);
  if (userId) context.whatsappUser = { userId, ...(phoneOf ? { waId: phoneOf } : {}), ...(str(contact?.parent_user_id) ? { parentUserId: contact!.parent_user_id } : {}) };
  if (m.context?.forwarded === true) context.forwarded = true;
  if (m.context?.frequently_forwarded === true) context.frequentlyForwarded = true;
  if (isObject(m.referral)) context.referral = m.referral;
  if (m.context?.referred_product !== undefined) context.referredProduct = m.context.referred_product;

  return {
    channelType: 'whatsapp',
    externalMessageId: id.slice(0, 512),
    externalChatId: key.slice(0, 512),
    sender: senderOf(key, phoneOf, contact),
    kind: content.kind,
    ...(content.text !== undefined ? { text: content.text } : {}),
    attachments: content.attachments,
    ...(content.location ? { location: content.location } : {}),
    ...(content.contact ? { contact: content.contact } : {}),
    ...(str(m.context?.id) ? { replyToExternalMessageId: m.context!.id!.slice(0, 512) } : {}),
    event: 'new',
    sentAt,
    ...(Object.keys(context).length > 0 ? { context } : {}),
  };
}

/** Keyed on the BSUID when there is one, else on wa_id; the wa_id is a verified phone (E.164 with `+`). */
function senderOf(key: string, waId: string | undefined, contact: WaContact | undefined): InboundSender {
  const name = str(contact?.profile?.name)?.slice(0, SHORT);
  const username = str(contact?.profile?.username)?.replace(/^@/, '').slice(0, SHORT);
  return {
    externalUserId: key.slice(0, 512),
    ...(name ? { displayName: name } : {}),
    ...(username ? { username } : {}),
    ...(waId ? { phone: `+${waId}`, phoneVerified: true } : {}),
  };
}

function normalizeStatus(s: WaStatus, phoneNumberId: string): WhatsappStatusReport | WhatsappSkip {
  const id = str(s.id);
  const at = unixStringToIso(s.timestamp);
  const recipient = str(s.recipient_user_id) ?? digits(s.recipient_id);
  if (!id || !at || !recipient) return { reason: 'malformed', detail: 'status id, timestamp or recipient missing' };
  if (!DELIVERY.has(s.status ?? '')) return { reason: 'status-kind', detail: String(s.status ?? 'unknown') };
  const callbackData = str(s.biz_opaque_callback_data);
  const report: WhatsappStatusReport = { phoneNumberId, externalMessageId: id, recipient, status: s.status as DeliveryStatus, at, ...(callbackData ? { callbackData } : {}) };
  if (s.status !== 'failed') return report;
  const error = Array.isArray(s.errors) ? s.errors.find(isObject) : undefined;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const detail = [code, error?.title ?? error?.message, error?.error_data?.details].filter((p) => p !== undefined && p !== '').join(' ');
  return { ...report, ...(code !== undefined ? { graphErrorCode: code } : {}), errorCode: sendErrorCodeOf(code), ...(detail ? { errorMessage: detail.slice(0, SHORT) } : {}) };
}

/** A wa_id: digits only (Meta sends it without `+`; a `+` given anyway is dropped). */
function digits(v: unknown): string | undefined {
  const s = str(v)?.replace(/^\+/, '');
  return s && /^\d{5,20}$/.test(s) ? s : undefined;
}
