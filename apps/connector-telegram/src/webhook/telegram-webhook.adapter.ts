import { Injectable } from '@nestjs/common';
import { type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResult } from '@crm/connector-kit';
import { ErrorCode } from '@crm/domain';
import { isTelegramUpdate, secretTokenMatches, TELEGRAM_SECRET_HEADER, type TelegramChannelState } from '@crm/platform-telegram';
import { IngestUpdateUseCase } from '../ingest-update/ingest-update.usecase';
import { telegramMetrics } from '../metrics/telegram-metrics';

/**
 * WebhookPort of `POST /webhooks/telegram/:channelId` (DESIGN §5): the channel's secret_token header, compared in
 * constant time; a body that is not JSON or not an Update → 400; otherwise the update is ingested — on Kafka with
 * acks=all, or an album part in Postgres — before the kit answers 200 (a storage failure makes the kit answer 503).
 */
@Injectable()
export class TelegramWebhookAdapter implements WebhookPort<TelegramChannelState> {
  constructor(private readonly ingest: IngestUpdateUseCase) {}

  authenticate(channel: TelegramChannelState, request: WebhookRequest): WebhookAuth {
    if (secretTokenMatches(channel.webhookSecret, request.headers[TELEGRAM_SECRET_HEADER])) return { ok: true };
    telegramMetrics.updates.inc({ outcome: 'unauthorized', reason: '' });
    return { ok: false, status: 401, reason: request.headers[TELEGRAM_SECRET_HEADER] ? 'wrong secret_token' : 'no secret_token header' };
  }

  async handle(channel: TelegramChannelState, request: WebhookRequest): Promise<WebhookResult> {
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw this.rejection('body is not valid JSON');
    }
    if (!isTelegramUpdate(body)) throw this.rejection('the body is not a Telegram Update');
    await this.ingest.execute({ channel, update: body, correlationId: request.correlationId });
    return {};
  }

  private rejection(message: string): WebhookRejection {
    telegramMetrics.updates.inc({ outcome: 'bad-request', reason: '' });
    return new WebhookRejection(400, ErrorCode.VALIDATION_FAILED, message);
  }
}
