import { Injectable } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { ChannelRegistry, InboundPublisher, type TopicRecord, type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResult } from '@crm/connector-kit';
import { ErrorCode } from '@crm/domain';
import {
  answerVerifyHandshake,
  checkWhatsappSignature,
  countDrop,
  groupWhatsappRecords,
  isWhatsappWebhook,
  normalizeWhatsappWebhook,
  WHATSAPP_SIGNATURE_HEADER,
  type WhatsappChannelState,
  type WhatsappNumberRecords,
  type WhatsappWebhookRecords,
} from '@crm/platform-whatsapp';
import { whatsappMetrics } from '../metrics/whatsapp-metrics';

/** Meta documents payloads up to 3 MB. */
const BODY_LIMIT_BYTES = 3 * 1024 * 1024;

/**
 * WebhookPort of `GET|POST /webhooks/whatsapp/:channelId` (DESIGN §5, PLATFORMS.md §2):
 * - GET: the verify handshake — `hub.mode=subscribe` with the channel's verify token → 200 with the raw challenge,
 *   anything else → 403 (counted as a rejection);
 * - POST: `X-Hub-Signature-256` over the raw bytes with the app secret (missing → 401, mismatch → 403, nothing
 *   produced); every entry, change, message and status is normalized, routed by `phone_number_id`, and on Kafka
 *   (acks=all) before the kit answers 200. A Meta app has one callback URL for all its numbers: updates of another
 *   number go to the active channel of that number in the same account with the same app secret (the signature proved
 *   the secret), or are dropped and counted when there is none.
 */
@Injectable()
export class WhatsappWebhookAdapter implements WebhookPort<WhatsappChannelState> {
  readonly methods = ['GET', 'POST'] as const;
  readonly bodyLimitBytes = BODY_LIMIT_BYTES;

  constructor(
    private readonly registry: ChannelRegistry<WhatsappChannelState>,
    private readonly publisher: InboundPublisher,
  ) {}

  authenticate(channel: WhatsappChannelState, request: WebhookRequest): WebhookAuth {
    if (request.method === 'GET') {
      const answer = answerVerifyHandshake(Object.fromEntries(request.query), channel.verifyToken);
      return answer.status === 200 ? { ok: true } : { ok: false, status: 403, reason: 'wrong verify token or hub.mode' };
    }
    const check = checkWhatsappSignature(request.rawBody, request.headers[WHATSAPP_SIGNATURE_HEADER], channel.appSecret);
    if (check === 'valid') return { ok: true };
    return check === 'missing' ? { ok: false, status: 401, reason: 'no X-Hub-Signature-256 header' } : { ok: false, status: 403, reason: 'X-Hub-Signature-256 does not match the app secret' };
  }

  async handle(channel: WhatsappChannelState, request: WebhookRequest): Promise<WebhookResult> {
    if (request.method === 'GET') {
      const answer = answerVerifyHandshake(Object.fromEntries(request.query), channel.verifyToken);
      return { response: { status: answer.status, body: answer.body, contentType: 'text/plain' } };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejection(400, ErrorCode.VALIDATION_FAILED, 'body is not valid JSON');
    }
    if (!isWhatsappWebhook(body)) throw new WebhookRejection(400, ErrorCode.VALIDATION_FAILED, 'the body is not a whatsapp_business_account notification');
    const records = groupWhatsappRecords(normalizeWhatsappWebhook(body));
    const own = records.byNumber.get(channel.phoneNumberId) ?? { inbound: [], statuses: [] };
    await this.publishSiblings(channel, records, request.correlationId);
    this.count(own, records);
    return { inbound: own.inbound, statuses: own.statuses };
  }

  /** Records of the app's other numbers, for their own channels (acks=all, before the answer). */
  private async publishSiblings(channel: WhatsappChannelState, records: WhatsappWebhookRecords, correlationId?: string): Promise<void> {
    const out: TopicRecord[] = [];
    for (const [phoneNumberId, r] of records.byNumber) {
      if (phoneNumberId === channel.phoneNumberId) continue;
      const sibling = this.registry
        .all()
        .find((c) => c.status === 'active' && c.phoneNumberId === phoneNumberId && c.accountId === channel.accountId && c.appSecret === channel.appSecret);
      if (!sibling) {
        countDrop(records.dropped, 'other-number', r.inbound.length + r.statuses.length);
        continue;
      }
      for (const m of r.inbound) out.push({ topic: Topics.ChannelsInbound, record: this.publisher.encode(sibling, m, correlationId) });
      for (const s of r.statuses) out.push({ topic: Topics.ChannelsStatus, record: this.publisher.encodeStatus(sibling, s, correlationId) });
      this.count(r);
    }
    await this.publisher.publishRecords(out);
  }

  private count(r: WhatsappNumberRecords, all?: WhatsappWebhookRecords): void {
    if (r.inbound.length > 0) whatsappMetrics.updates.inc({ outcome: 'message', reason: '' }, r.inbound.length);
    if (r.statuses.length > 0) whatsappMetrics.updates.inc({ outcome: 'status', reason: '' }, r.statuses.length);
    for (const [reason, n] of Object.entries(all?.dropped ?? {})) whatsappMetrics.updates.inc({ outcome: 'dropped', reason }, n);
  }
}
