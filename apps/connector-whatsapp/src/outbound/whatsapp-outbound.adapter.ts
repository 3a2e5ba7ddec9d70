import { Inject, Injectable } from '@nestjs/common';
import type { OutboundMessageData } from '@crm/contracts';
import { type CallFailure, type DeliveryContext, type DeliveryResult, HealthReporter, type OutboundPort } from '@crm/connector-kit';
import {
  classifyWhatsappFailure,
  GraphCallError,
  planWhatsappMessage,
  WHATSAPP_SEND_LIMITS,
  WhatsappGraphClient,
  WhatsappSendError,
  type GraphSendResponse,
  type WhatsappChannelState,
} from '@crm/platform-whatsapp';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorWhatsappConfig } from '../config/connector-whatsapp.config';

/**
 * OutboundPort of WhatsApp numbers: the send plan (a template alone; else the text — split at 4096 — and one call per
 * file, the text as the first file's caption when it fits) as `POST /{phone-number-id}/messages`, one kit call per Graph
 * call, so a retry repeats only the failed part. Every call carries our message id in biz_opaque_callback_data for
 * the status webhooks. 80 messages/s per number; a burst to one customer is not throttled until Graph answers 131056.
 * A token Graph refuses (190) fails the message WHATSAPP_TOKEN_INVALID and turns the channel `needs-reauth`.
 */
@Injectable()
export class WhatsappOutboundAdapter implements OutboundPort<WhatsappChannelState> {
  readonly idempotency = 'none' as const;
  readonly limits = WHATSAPP_SEND_LIMITS;
  readonly rateLimitedCode = 'WHATSAPP_RATE_LIMITED';

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ConnectorWhatsappConfig,
    private readonly health: HealthReporter,
  ) {}

  classifyFailure(err: unknown): CallFailure {
    return classifyWhatsappFailure(err);
  }

  async deliver(channel: WhatsappChannelState, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    const client = new WhatsappGraphClient(channel.accessToken, { baseUrl: this.config.WHATSAPP_GRAPH_URL, timeoutMs: this.config.WHATSAPP_GRAPH_TIMEOUT_MS });
    let first: string | undefined;
    for (const body of planWhatsappMessage(message, { callbackData: message.messageId })) {
      const result = await ctx.call(async (): Promise<GraphSendResponse> => {
        const sent = await client.sendMessage(channel.phoneNumberId, body);
        if (!sent.ok) throw new GraphCallError(sent.failure);
        return sent.value;
      });
      if (!result.ok) {
        if (result.errorCode === WhatsappSendError.TokenInvalid) {
          await this.health.report(channel, { status: 'needs-reauth', causeCode: WhatsappSendError.TokenInvalid, message: result.description });
        }
        return { status: 'failed', errorCode: result.errorCode, errorMessage: result.description };
      }
      first ??= result.value.messages?.[0]?.id;
    }
    if (!first) return { status: 'failed', errorCode: WhatsappSendError.Other, errorMessage: 'nothing to send, or Graph answered without a message id' };
    return { status: 'sent', externalMessageId: first };
  }
}
