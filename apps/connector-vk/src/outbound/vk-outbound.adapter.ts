import { Injectable } from '@nestjs/common';
import type { CallFailure, DeliveryContext, DeliveryResult, OutboundPort } from '@crm/connector-kit';
import type { OutboundMessageData } from '@crm/contracts';
import { classifyVkSendFailure, VkCallError, VkSendError, type VkChannelState } from '@crm/platform-vk';
import { DeliverMessageUseCase } from '../deliver-message/deliver-message.usecase';

/** A community token: 20 requests/s (PLATFORMS.md §3); VK documents no per-chat limit, so a chat gets a modest share. */
const VK_SEND_LIMITS = { channelPerSecond: 20, channelBurst: 20, chatPerSecond: 5, chatBurst: 5 };

/**
 * OutboundPort of VK. VK dedupes messages.send by random_id, so the kit may deliver a message again after a restart
 * (`idempotency: 'key'`): the same stored random_ids go with it.
 */
@Injectable()
export class VkOutboundAdapter implements OutboundPort<VkChannelState> {
  readonly idempotency = 'key' as const;
  readonly limits = VK_SEND_LIMITS;
  readonly rateLimitedCode = VkSendError.RateLimited;

  constructor(private readonly deliverMessage: DeliverMessageUseCase) {}

  classifyFailure(err: unknown): CallFailure {
    if (err instanceof VkCallError) return classifyVkSendFailure(err.failure);
    return { action: 'retry', description: (err as Error)?.message ?? String(err) };
  }

  deliver(channel: VkChannelState, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    return this.deliverMessage.execute(channel, message, ctx);
  }
}
