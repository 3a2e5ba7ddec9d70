import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { isContractViolationError, Topics } from '@crm/contracts';
import { ErrorCode } from '@crm/domain';
import { isInfrastructureError, LOGGER } from '@crm/service-kit';
import type { ConnectorChannel } from '../../ports/channel-state.port';
import { KitHealthCause } from '../../ports/lifecycle.port';
import { type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResponse, type WebhookResult } from '../../ports/webhook.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { connectorMetrics } from '../metrics';
import { HealthReporter } from '../publish/health-reporter';
import { InboundNotStoredError, InboundPublisher, type TopicRecord } from '../publish/inbound-publisher';
import { ChannelRegistry } from '../registry/channel-registry.service';
import { KIT_OPTIONS, WEBHOOK_PORT } from '../tokens';

const ACK: WebhookResponse = { status: 200, body: { ok: true } };

/**
 * One webhook call (DESIGN §5): registry still loading → 503; unknown or inactive channel → 404; a secret or
 * signature the port rejects → 401/403, nothing produced, counted per channel and the channel's health `degraded`
 * SIGNATURE_REJECTED (until an authentic call comes); otherwise the port's records are on Kafka with acks=all before
 * the answer, and Kafka not taking them → 503 so the platform re-delivers.
 */
@Injectable()
export class ReceiveWebhookUseCase<S extends ConnectorChannel = ConnectorChannel> {
  constructor(
    private readonly registry: ChannelRegistry<S>,
    private readonly publisher: InboundPublisher,
    private readonly health: HealthReporter,
    @Inject(WEBHOOK_PORT) private readonly port: WebhookPort<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(request: WebhookRequest): Promise<WebhookResponse> {
    if (!this.registry.isReady) return this.refuse(503, 'unavailable', ErrorCode.DEPENDENCY_UNAVAILABLE, 'channel registry is loading');
    const channel = this.registry.active(request.channelId);
    if (!channel) return this.refuse(404, 'unknown-channel', ErrorCode.CHANNEL_NOT_FOUND, `no active ${this.options.channelType} channel with this id`);
    const auth = this.port.authenticate(channel, request);
    if (!auth.ok) return this.rejected(channel, auth.status ?? 401, auth.reason);
    await this.clearRejection(channel);
    try {
      const result = await this.port.handle(channel, request);
      await this.publisher.publishRecords(this.records(channel, result, request.correlationId));
      connectorMetrics.webhookCalls.inc({ channel_type: this.options.channelType, outcome: 'accepted' });
      return result.response ?? ACK;
    } catch (err) {
      if (err instanceof WebhookRejection) return this.refuse(err.status, 'bad-request', err.code, err.message);
      // Kafka not acknowledging, or Postgres down while the port stored something: the platform must re-deliver.
      if (err instanceof InboundNotStoredError || isInfrastructureError(err)) {
        return this.refuse(503, 'unavailable', ErrorCode.DEPENDENCY_UNAVAILABLE, 'the call could not be stored; retry later');
      }
      throw err;
    }
  }

  /** Encodes what the port produced; a message that violates the contract is skipped (a retry could not fix it). */
  private records(channel: S, result: WebhookResult, correlationId?: string): TopicRecord[] {
    const records: TopicRecord[] = [];
    const add = (topic: string, encode: () => TopicRecord['record']) => {
      try {
        records.push({ topic, record: encode() });
      } catch (err) {
        if (!isContractViolationError(err)) throw err;
        connectorMetrics.webhookCalls.inc({ channel_type: this.options.channelType, outcome: 'invalid-record' });
        this.logger.error({ channelId: channel.channelId, details: err.details }, 'normalized record violates the contract; skipped');
      }
    };
    for (const m of result.inbound ?? []) add(Topics.ChannelsInbound, () => this.publisher.encode(channel, m, correlationId));
    for (const s of result.statuses ?? []) add(Topics.ChannelsStatus, () => this.publisher.encodeStatus(channel, s, correlationId));
    return records;
  }

  private async rejected(channel: S, status: number, reason: string): Promise<WebhookResponse> {
    connectorMetrics.webhookRejected.inc({ channel_type: this.options.channelType, channel_id: channel.channelId });
    this.logger.warn({ channelId: channel.channelId, reason }, 'webhook call with a rejected secret or signature');
    await this.health.report(channel, { status: 'degraded', causeCode: KitHealthCause.SignatureRejected, message: `webhook calls are rejected: ${reason}` });
    return this.refuse(status, 'rejected', status === 403 ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHORIZED, status === 403 ? 'forbidden' : 'unauthorized');
  }

  /** An authentic call after rejected ones: the secret is right again. */
  private async clearRejection(channel: S): Promise<void> {
    if (this.health.current(channel.channelId)?.causeCode === KitHealthCause.SignatureRejected) await this.health.report(channel, { status: 'active' });
  }

  private refuse(status: number, outcome: string, code: string, message: string): WebhookResponse {
    connectorMetrics.webhookCalls.inc({ channel_type: this.options.channelType, outcome });
    return { status, body: { statusCode: status, code, message } };
  }
}
