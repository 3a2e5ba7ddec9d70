import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@crm/domain';
import { isTelegramUpdate, secretTokenMatches } from '@crm/platform-telegram';
import { classifyConsumerError } from '@crm/service-kit';
import { IngestUpdateUseCase } from '../ingest-update/ingest-update.usecase';
import { InboundNotStoredError } from '../ingest-update/inbound-publisher';
import { telegramMetrics } from '../metrics/telegram-metrics';
import { ChannelRegistryService } from '../registry/channel-registry.service';
import type { ReceiveWebhookCommand, WebhookAnswer } from './receive-webhook.command';

/**
 * `POST /webhooks/telegram/:channelId` (DESIGN §5): unknown or inactive channel → 404; a secret header that is not the
 * channel's (constant-time check) → 401 and nothing produced; a body that is no Update → 400; otherwise the update is
 * stored durably before the 200, and a storage failure answers 503 so Telegram re-delivers.
 */
@Injectable()
export class ReceiveWebhookUseCase {
  constructor(
    private readonly registry: ChannelRegistryService,
    private readonly ingest: IngestUpdateUseCase,
  ) {}

  async execute(command: ReceiveWebhookCommand): Promise<WebhookAnswer> {
    if (!this.registry.isReady) return this.refuse(503, 'unavailable', ErrorCode.DEPENDENCY_UNAVAILABLE, 'channel registry is loading');
    const channel = this.registry.active(command.channelId);
    if (!channel) return this.refuse(404, 'unknown-channel', ErrorCode.CHANNEL_NOT_FOUND, 'no active Telegram channel with this id');
    if (!secretTokenMatches(channel.webhookSecret, command.secretToken)) {
      return this.refuse(401, 'unauthorized', ErrorCode.UNAUTHORIZED, 'unauthorized');
    }
    if (!isTelegramUpdate(command.body)) return this.refuse(400, 'bad-request', ErrorCode.VALIDATION_FAILED, 'the body is not a Telegram Update');
    try {
      const outcome = await this.ingest.execute({ channel, update: command.body, correlationId: command.correlationId });
      return { status: 200, outcome };
    } catch (err) {
      // Kafka not acknowledging, or Postgres down while an album part is stored: Telegram must re-deliver.
      if (!(err instanceof InboundNotStoredError) && classifyConsumerError(err) !== 'infrastructure') throw err;
      return this.refuse(503, 'unavailable', ErrorCode.DEPENDENCY_UNAVAILABLE, 'the update could not be stored; retry later');
    }
  }

  private refuse(status: 400 | 401 | 404 | 503, outcome: string, code: ErrorCode, message: string): WebhookAnswer {
    telegramMetrics.updates.inc({ outcome, reason: '' });
    return { status, code, message };
  }
}
