import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InboundPublisher, secretsEqual, type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResult } from '@crm/connector-kit';
import type { InboundMessageData } from '@crm/contracts';
import { ErrorCode } from '@crm/domain';
import { type AvitoChannelState, type AvitoChatFacts, isAvitoWebhook, normalizeAvitoWebhook, withChatFacts } from '@crm/platform-avito';
import { LOGGER } from '@crm/service-kit';
import { ChatFactsCache } from '../chat-facts/chat-facts.cache';
import { avitoMetrics } from '../metrics/avito-metrics';

/**
 * WebhookPort of `POST /webhooks/avito/:channelId/:hookSecret` (DESIGN §5). Avito signs nothing, so the URL's secret
 * is the authentication — and a wrong or missing one answers 404 like an unknown channel (the kit's auth rejection
 * answers 401/403 only, so the check runs first thing in `handle`; nothing is produced either way). Then: not JSON /
 * not a webhook → 400; echo, system and other payloads → 200, counted, nothing produced; a message → normalized,
 * with its chat's listing and client name when chat info answers within the budget, on Kafka before the 200.
 * A chat-info answer past the budget re-publishes the message enriched (same id: stored once; see README).
 */
@Injectable()
export class AvitoWebhookAdapter implements WebhookPort<AvitoChannelState> {
  readonly bodyLimitBytes = 64 * 1024;

  constructor(
    private readonly chats: ChatFactsCache,
    private readonly publisher: InboundPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  authenticate(): WebhookAuth {
    return { ok: true };
  }

  async handle(channel: AvitoChannelState, request: WebhookRequest): Promise<WebhookResult> {
    if (request.rest.length !== 1 || !secretsEqual(channel.hookSecret, request.rest[0])) {
      avitoMetrics.webhooks.inc({ outcome: 'not-found', reason: request.rest.length === 0 ? 'no-secret' : 'wrong-secret' });
      throw new WebhookRejection(404, ErrorCode.CHANNEL_NOT_FOUND, `no active avito channel with this id`);
    }
    const body = parseJson(request.rawBody);
    if (!isAvitoWebhook(body)) {
      avitoMetrics.webhooks.inc({ outcome: 'bad-request', reason: '' });
      throw new WebhookRejection(400, ErrorCode.VALIDATION_FAILED, 'the body is not an Avito webhook');
    }
    const normalized = normalizeAvitoWebhook(body);
    if (normalized.outcome === 'skipped') {
      avitoMetrics.webhooks.inc({ outcome: 'skipped', reason: normalized.reason });
      return {};
    }
    avitoMetrics.webhooks.inc({ outcome: 'accepted', reason: '' });
    const message = normalized.message;
    if (message.event === 'delete') return { inbound: [message] };
    const lookup = await this.chats.lookup(channel, normalized.meta.chatId);
    if (lookup.state === 'ready') return { inbound: [withChatFacts(message, lookup.facts)] };
    if (lookup.state === 'late') void lookup.later.then((facts) => this.enrichLater(channel, message, facts));
    return { inbound: [message] };
  }

  /** The message again with its chat's facts (same externalMessageId: lead-routing stores it once). */
  private async enrichLater(channel: AvitoChannelState, message: InboundMessageData, facts: AvitoChatFacts | undefined): Promise<void> {
    if (!facts || (!facts.item && !facts.clientName)) return;
    const enriched = withChatFacts(message, facts);
    const context = { ...enriched.context, avito: { ...(enriched.context?.avito as object), enrichment: 'late' } };
    try {
      await this.publisher.publish(channel, [{ ...enriched, context }]);
    } catch (err) {
      this.logger.warn({ channelId: channel.channelId, err: (err as Error).message }, 'late chat info could not be published; the next message of the chat carries it');
    }
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
