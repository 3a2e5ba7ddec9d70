import { Injectable } from '@nestjs/common';
import type { OutboundMessageData } from '@crm/contracts';
import type { CallFailure, DeliveryContext, DeliveryResult, OutboundPort } from '@crm/connector-kit';
import { classifySendFailure, planOutboundMessage, TELEGRAM_SEND_LIMITS, TelegramSendError, type TelegramChannelState, telegramMessageKey } from '@crm/platform-telegram';
import { BotApiCache } from '../bot-api/bot-api.cache';

type RawSend = (payload: Record<string, unknown>) => Promise<{ message_id: number; date: number }>;

/**
 * OutboundPort of Telegram bots: the send plan (long text split into several sendMessage calls, one send<Kind> per
 * file, the text as the first file's caption when it fits) through grammY, one kit call per Bot API call — so a retry
 * repeats only the failed part. `sent` carries the first part's `<chat id>:<message id>`. Telegram has no idempotency
 * key: the kit sends at most once.
 */
@Injectable()
export class TelegramOutboundAdapter implements OutboundPort<TelegramChannelState> {
  readonly idempotency = 'none' as const;
  readonly limits = TELEGRAM_SEND_LIMITS;
  readonly rateLimitedCode = 'TELEGRAM_RATE_LIMITED';

  constructor(private readonly bots: BotApiCache) {}

  classifyFailure(err: unknown): CallFailure {
    return classifySendFailure(err);
  }

  async deliver(channel: TelegramChannelState, message: OutboundMessageData, ctx: DeliveryContext): Promise<DeliveryResult> {
    const api = this.bots.for(channel.botToken).raw as unknown as Record<string, RawSend>;
    let first: { message_id: number; date: number } | undefined;
    for (const step of planOutboundMessage(message)) {
      const result = await ctx.call(() => api[step.method](step.payload));
      if (!result.ok) return { status: 'failed', errorCode: result.errorCode, errorMessage: result.description };
      first ??= result.value;
    }
    if (!first) return { status: 'failed', errorCode: TelegramSendError.BadRequest, errorMessage: 'nothing to send' };
    return { status: 'sent', externalMessageId: telegramMessageKey(message.externalChatId, first.message_id), at: new Date(first.date * 1000).toISOString() };
  }
}
