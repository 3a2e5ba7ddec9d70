import { Injectable } from '@nestjs/common';
import { type DeliveryContext, type DeliveryResult, HealthReporter } from '@crm/connector-kit';
import type { OutboundMessageData } from '@crm/contracts';
import { planVkSend, VkApiClient, VkCallError, VkSendError, vkPeerId, VkHealthCause, type SendPart, type VkChannelState } from '@crm/platform-vk';
import { MessagePermissionsRepository } from '../permissions/message-permissions.repository';
import { RandomIdsExhaustedError, RandomIdsRepository } from '../random-ids/random-ids.repository';

/**
 * An agent's reply through messages.send (issue 12): to the chat's user (peer_id; group chats are refused
 * VK_UNSUPPORTED_PEER), not at all when the user denied the community's messages (VK_CANNOT_MESSAGE_USER, VK is not
 * asked), as one call per part (long texts, more than 10 files) — each with its stored random_id, so a repeated call
 * or a re-delivery after a restart is never delivered twice, and through the kit's ctx.call (the 20/s community
 * limit, 6/9 back off). A rejected token fails the message and turns the channel needs-reauth. `sent` carries the
 * first part's VK message id.
 */
@Injectable()
export class DeliverMessageUseCase {
  constructor(
    private readonly api: VkApiClient,
    private readonly randomIds: RandomIdsRepository,
    private readonly permissions: MessagePermissionsRepository,
    private readonly health: HealthReporter,
  ) {}

  async execute(channel: VkChannelState, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    const peerId = vkPeerId(message.externalChatId);
    if (peerId === undefined) return { status: 'failed', errorCode: VkSendError.UnsupportedPeer, errorMessage: 'only private chats with a user can be answered' };
    if (await this.permissions.isDenied(channel, peerId)) {
      return { status: 'failed', errorCode: VkSendError.CannotMessageUser, errorMessage: 'the user denied messages from the community (message_deny)' };
    }
    const parts = planVkSend(message, peerId);
    if (parts.length === 0) return { status: 'failed', errorCode: VkSendError.BadRequest, errorMessage: 'nothing to send' };
    let randomIds: number[];
    try {
      randomIds = await this.randomIds.assign(channel, ctx.idempotencyKey, parts.length);
    } catch (err) {
      if (err instanceof RandomIdsExhaustedError) return { status: 'failed', errorCode: VkSendError.SequenceExhausted, errorMessage: err.message };
      throw err;
    }
    let first: number | undefined;
    for (const [i, part] of parts.entries()) {
      const result = await ctx.call(() => this.send(channel, part, randomIds[i]));
      if (!result.ok) {
        if (result.errorCode === VkSendError.TokenInvalid) {
          await this.health.report(channel, { status: 'needs-reauth', causeCode: VkHealthCause.TokenInvalid, message: `VK rejects the community token: ${result.description}` });
        }
        return { status: 'failed', errorCode: result.errorCode, errorMessage: result.description };
      }
      first ??= result.value;
    }
    return { status: 'sent', externalMessageId: String(first) };
  }

  private async send(channel: VkChannelState, part: SendPart, randomId: number): Promise<number> {
    const result = await this.api.sendMessage(channel.accessToken, { ...part, groupId: channel.groupId, randomId });
    if (!result.ok) throw new VkCallError(result.failure);
    return result.value;
  }
}
