import { Injectable } from '@nestjs/common';
import { type CallFailure, type DeliveryContext, type DeliveryResult, HealthReporter, type OutboundPort } from '@crm/connector-kit';
import type { OutboundMessageData } from '@crm/contracts';
import { AvitoApiClient, AvitoHealthCause, AvitoSendError, type AvitoChannelState, classifyAvitoSendFailure, splitReply } from '@crm/platform-avito';
import { AvitoCallError, AvitoSessions } from '../auth/avito-sessions.service';

/** Avito documents no messenger rate limits (PLATFORMS.md §4): modest buckets, and 429 + Retry-After pauses the channel. */
const AVITO_SEND_LIMITS = { channelPerSecond: 10, channelBurst: 20, chatPerSecond: 3, chatBurst: 5 };

/**
 * OutboundPort of Avito: the reply as texts of at most 1000 characters, in order, one kit call per part (a retry
 * repeats only the failed part); each part with the shared token — a 401 renews it and retries once, a second 401
 * fails the message AVITO_AUTH_REJECTED and turns the channel needs-reauth. `sent` carries the first part's id.
 * Avito has no idempotency key: the kit sends at most once.
 */
@Injectable()
export class AvitoOutboundAdapter implements OutboundPort<AvitoChannelState> {
  readonly idempotency = 'none' as const;
  readonly limits = AVITO_SEND_LIMITS;
  readonly rateLimitedCode = AvitoSendError.RateLimited;

  constructor(
    private readonly api: AvitoApiClient,
    private readonly sessions: AvitoSessions,
    private readonly health: HealthReporter,
  ) {}

  classifyFailure(err: unknown): CallFailure {
    if (err instanceof AvitoCallError) return classifyAvitoSendFailure(err.result.failure);
    return { action: 'retry', description: (err as Error)?.message ?? String(err) };
  }

  async deliver(channel: AvitoChannelState, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    if ((message.attachments ?? []).length > 0) {
      return { status: 'failed', errorCode: AvitoSendError.AttachmentsUnsupported, errorMessage: 'only text replies can be sent to Avito by this connector' };
    }
    const parts = splitReply(message.text ?? '');
    if (parts.length === 0) return { status: 'failed', errorCode: AvitoSendError.Rejected, errorMessage: 'nothing to send' };
    let first: { id: string; created?: number } | undefined;
    for (const part of parts) {
      const result = await ctx.call(() => this.sessions.callOrThrow(channel, (token, userId) => this.api.sendText(token, userId, message.externalChatId, part)));
      if (!result.ok) {
        if (result.errorCode === AvitoSendError.AuthRejected || result.errorCode === AvitoSendError.PlanRequired) {
          const causeCode = result.errorCode === AvitoSendError.PlanRequired ? AvitoHealthCause.PlanRequired : AvitoHealthCause.CredentialsInvalid;
          await this.health.report(channel, { status: 'needs-reauth', causeCode, message: result.description });
        }
        return { status: 'failed', errorCode: result.errorCode, errorMessage: result.description };
      }
      first ??= result.value;
    }
    return { status: 'sent', externalMessageId: first!.id, ...(first!.created ? { at: new Date(first!.created * 1000).toISOString() } : {}) };
  }
}
