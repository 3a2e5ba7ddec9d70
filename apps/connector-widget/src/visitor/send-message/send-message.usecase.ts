import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InboundMessageData } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { LOGGER } from '@crm/service-kit';
import { cleanProfile, missingPreChatFields } from '@crm/widget-visitor';
import { visitorExternalMessageId, WidgetMessageView } from '../../conversation/widget-message.view';
import { WidgetEventPublisher } from '../../delivery/widget-event.publisher';
import { RateLimits } from '../rate-limits.service';
import { VisitorAccess } from '../visitor-access.service';
import { SendMessageCommand } from './send-message.command';

/**
 * A visitor's message becomes a normalized inbound message on channels.inbound.v1 (externalChatId = externalUserId =
 * visitor id; name and phone from the pre-chat form feed the routing's client matching). Answered only once Kafka
 * has it (acks=all); if Kafka does not take it the visitor gets 503 and the script retries with the same id.
 */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly access: VisitorAccess,
    private readonly limits: RateLimits,
    private readonly publisher: WidgetEventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: SendMessageCommand): Promise<WidgetMessageView> {
    const channel = await this.access.channel(command.publicKey, command.origin, { originRequired: false });
    const visitor = this.access.visitor(channel, command.token);
    this.limits.message(channel.id, visitor.visitorId);
    const profile = cleanProfile(visitor.profile, channel.settings.preChat);
    const missing = missingPreChatFields(profile, channel.settings.preChat);
    if (missing.length > 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, missing.map((f) => ({ path: `profile.${f}`, constraints: [`${f} is required by the pre-chat form`] })));
    }

    const sentAt = new Date();
    const context: Record<string, unknown> = { widget: { locale: command.locale, ...(command.page?.url ? { pageUrl: command.page.url } : {}), ...(command.page?.title ? { pageTitle: command.page.title } : {}) } };
    if (Object.keys(profile).length > 0) context.preChat = { ...profile };
    const data: InboundMessageData = {
      channelType: 'widget',
      externalMessageId: visitorExternalMessageId(visitor.visitorId, command.clientMessageId),
      externalChatId: visitor.visitorId,
      sender: {
        externalUserId: visitor.visitorId,
        ...(profile.name ? { displayName: profile.name } : {}),
        // Typed into the pre-chat form: anyone can type anyone's number, so it never matches a client (DESIGN §7.2).
        ...(profile.phone ? { phone: profile.phone, phoneVerified: false } : {}),
      },
      kind: 'text',
      text: command.text,
      attachments: [],
      event: 'new',
      sentAt: sentAt.toISOString(),
      context,
    };
    try {
      await this.publisher.inbound(channel.accountId, channel.id, data, command.correlationId);
    } catch (err) {
      this.logger.error({ err, channelId: channel.id }, 'widget message not accepted by Kafka');
      throw new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, {}, undefined, { cause: err });
    }
    return {
      key: command.clientMessageId,
      id: null,
      clientMessageId: command.clientMessageId,
      author: 'visitor',
      kind: 'text',
      text: command.text,
      attachments: [],
      status: 'sent',
      createdAt: sentAt.toISOString(),
      cursor: null,
    };
  }
}
