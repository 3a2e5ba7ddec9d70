import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InboundPublisher, type WebhookResponse } from '@crm/connector-kit';
import type { InboundMessageData } from '@crm/contracts';
import { normalizeVkCallback, type VkChannelState } from '@crm/platform-vk';
import { LOGGER } from '@crm/service-kit';
import { vkMetrics } from '../metrics/vk-metrics';
import { DenialLifter } from '../permissions/denial-lifter';
import { MessagePermissionsRepository } from '../permissions/message-permissions.repository';
import { SenderNamesCache } from '../sender-names/sender-names.cache';
import type { ReceiveCallbackCommand } from './receive-callback.command';
import { RecentEvents } from './recent-events';

/** What VK must get for every event but `confirmation`: the text `ok` (anything else makes it re-send). */
export const VK_OK: WebhookResponse = { status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };

/**
 * One Callback API call (DESIGN §5, issue 12): `confirmation` → the channel's confirmation string as plain text;
 * a customer's message (new or edited) → normalized, with the sender's name when users.get answers within the budget,
 * on channels.inbound.v1 (acks=all) before `ok` (a new one also lifts the sender's earlier message_deny, off the answer
 * path: DenialLifter); message_allow / message_deny → the permission stored before `ok`;
 * echoes of our own messages, group chats and other events → `ok`, nothing produced. A repeated event_id → `ok` once
 * stored. Kafka or Postgres not taking it → the kit answers 503 and VK re-sends.
 */
@Injectable()
export class ReceiveCallbackUseCase {
  constructor(
    private readonly publisher: InboundPublisher,
    private readonly names: SenderNamesCache,
    private readonly permissions: MessagePermissionsRepository,
    private readonly denials: DenialLifter,
    private readonly recent: RecentEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: ReceiveCallbackCommand): Promise<WebhookResponse> {
    const { channel } = command;
    const outcome = normalizeVkCallback(command.body);
    switch (outcome.outcome) {
      case 'confirmation':
        return this.confirm(channel);
      case 'skipped':
        vkMetrics.callbacks.inc({ outcome: 'skipped', reason: outcome.reason });
        return VK_OK;
      case 'permission':
        await this.once(command, outcome.eventId, 'permission', () => this.permissions.record(channel, outcome.userId, outcome.allowed, command.receivedAt));
        return VK_OK;
      case 'message':
        await this.once(command, outcome.eventId, 'message', () => this.store(command, outcome.message, outcome.senderUserId));
        return VK_OK;
    }
  }

  private confirm(channel: VkChannelState): WebhookResponse {
    vkMetrics.callbacks.inc({ outcome: 'confirmation', reason: channel.confirmationCode ? '' : 'unknown-code' });
    if (!channel.confirmationCode) {
      this.logger.error({ channelId: channel.channelId }, 'VK asks for the confirmation string, but the channel has none: set confirmationCode in its settings');
      return { status: 409, body: 'the confirmation string of this channel is not known', contentType: 'text/plain; charset=utf-8' };
    }
    return { status: 200, body: channel.confirmationCode, contentType: 'text/plain; charset=utf-8' };
  }

  private async once(command: ReceiveCallbackCommand, eventId: string | undefined, outcome: string, store: () => Promise<void>): Promise<void> {
    let ran = true;
    if (eventId === undefined) await store();
    else ran = await this.recent.once(`${command.channel.channelId}:${eventId}`, store);
    vkMetrics.callbacks.inc({ outcome: ran ? outcome : 'duplicate', reason: command.retryCounter > 0 ? 'retry' : '' });
  }

  private async store(command: ReceiveCallbackCommand, message: InboundMessageData, senderUserId: number): Promise<void> {
    const { channel } = command;
    const name = await this.names.nameOf(channel, senderUserId);
    const withName: InboundMessageData = name ? { ...message, sender: { ...message.sender, displayName: name } } : message;
    await this.publisher.publish(channel, [withName], command.correlationId);
    if (message.event === 'new') this.denials.wrote(channel, senderUserId, new Date(message.sentAt));
  }
}
