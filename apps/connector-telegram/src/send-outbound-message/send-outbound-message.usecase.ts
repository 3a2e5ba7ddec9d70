import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { MessageStatusData } from '@crm/contracts';
import { classifySendFailure, planOutboundMessage, SendRateLimiter, type SendStep, TELEGRAM_SEND_LIMITS, TelegramSendError, type TelegramChannelState, telegramMessageKey } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { BotApiCache } from '../bot-api/bot-api.cache';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { telegramMetrics } from '../metrics/telegram-metrics';
import { DeliveryLogRepository } from '../outbound/delivery-log.repository';
import { StatusPublisher } from '../outbound/status-publisher';
import { ChannelRegistryService } from '../registry/channel-registry.service';
import type { SendOutboundMessageCommand } from './send-outbound-message.command';

/** 429 answers honoured for one call before the message is given up as rate-limited. */
const MAX_FLOOD_WAITS = 10;

/** The process is stopping: the command is left uncommitted and is sent after the restart. */
export class SendInterruptedError extends Error {
  constructor() {
    super('send interrupted by shutdown');
    this.name = 'SendInterruptedError';
  }
}

type StepResult = { ok: true; messageId: number; date: number } | { ok: false; errorCode: string; description: string };
type RawSend = (payload: Record<string, unknown>) => Promise<{ message_id: number; date: number }>;

/**
 * Sends an agent's reply through the channel's bot and reports the outcome on channels.status.v1: `sent` with
 * Telegram's message id, or `failed` with a stable code (TELEGRAM_BOT_BLOCKED, TELEGRAM_CHAT_NOT_FOUND…).
 * Within Telegram's limits (≈1 message/s per chat, ≈30/s per bot: token buckets, no busy waiting); a 429 waits its
 * retry_after; network errors and 5xx are retried with backoff for TELEGRAM_SEND_RETRY_WINDOW_MS. A command that was
 * already handled (redelivery) is not sent again.
 */
@Injectable()
export class SendOutboundMessageUseCase implements OnModuleDestroy {
  private readonly limiter: SendRateLimiter;
  private readonly stopping = new AbortController();
  /** Outcomes sent to Telegram whose status could not be published yet (Kafka down): published on the retry. */
  private readonly unpublished = new Map<string, MessageStatusData>();

  constructor(
    private readonly registry: ChannelRegistryService,
    private readonly bots: BotApiCache,
    private readonly deliveries: DeliveryLogRepository,
    private readonly statuses: StatusPublisher,
    @Inject(ConnectorTelegramConfig) private readonly config: ConnectorTelegramConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.limiter = new SendRateLimiter(TELEGRAM_SEND_LIMITS, Date.now, (ms) => this.sleep(ms));
  }

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  async execute(command: SendOutboundMessageCommand): Promise<void> {
    const { accountId, channelId, message } = command;
    let status = this.unpublished.get(message.messageId);
    if (!status) {
      await this.registry.ready();
      if (await this.deliveries.alreadyHandled(accountId, message.messageId)) {
        telegramMetrics.outbound.inc({ status: 'duplicate', error_code: '' });
        this.logger.info({ channelId, messageId: message.messageId }, 'outbound message already handled; not sent again');
        return;
      }
      // The command's tenant must own the channel (a mismatch is treated like an unknown channel).
      const channel = this.registry.active(channelId);
      status = channel?.accountId === accountId ? await this.deliver(channel, command) : this.failed(command, TelegramSendError.ChannelInactive, 'the channel is not active');
      this.unpublished.set(message.messageId, status);
    }
    await this.statuses.publish({ accountId, channelId }, status, command.correlationId);
    await this.deliveries.record(message.messageId);
    this.unpublished.delete(message.messageId);
    telegramMetrics.outbound.inc({ status: status.status, error_code: status.errorCode ?? '' });
    this.logger.info({ channelId, messageId: message.messageId, status: status.status, errorCode: status.errorCode }, 'outbound telegram message handled');
  }

  private async deliver(channel: TelegramChannelState, command: SendOutboundMessageCommand): Promise<MessageStatusData> {
    let first: { messageId: number; date: number } | undefined;
    for (const step of planOutboundMessage(command.message)) {
      const result = await this.sendStep(channel, command.message.externalChatId, step);
      if (!result.ok) return this.failed(command, result.errorCode, result.description);
      first ??= result;
    }
    if (!first) return this.failed(command, TelegramSendError.BadRequest, 'nothing to send');
    return {
      messageId: command.message.messageId,
      externalChatId: command.message.externalChatId,
      externalMessageId: telegramMessageKey(command.message.externalChatId, first.messageId),
      status: 'sent',
      at: new Date(first.date * 1000).toISOString(),
    };
  }

  /** One Bot API call, retried as the failure says. */
  private async sendStep(channel: TelegramChannelState, chatId: string, step: SendStep): Promise<StepResult> {
    const bot = channel.botToken.split(':')[0];
    const send = (this.bots.for(channel.botToken).raw as unknown as Record<string, RawSend>)[step.method];
    const deadline = Date.now() + this.config.TELEGRAM_SEND_RETRY_WINDOW_MS;
    let floodWaits = 0;
    let networkRetries = 0;
    for (;;) {
      await this.limiter.acquire(bot, chatId);
      if (this.stopping.signal.aborted) throw new SendInterruptedError();
      try {
        const sent = await send(step.payload);
        return { ok: true, messageId: sent.message_id, date: sent.date };
      } catch (err) {
        const failure = classifySendFailure(err);
        if (failure.action === 'fail') return { ok: false, errorCode: failure.errorCode, description: failure.description };
        if (failure.action === 'retry-after') {
          if (++floodWaits > MAX_FLOOD_WAITS) return { ok: false, errorCode: 'TELEGRAM_RATE_LIMITED', description: failure.description };
          telegramMetrics.sendRetries.inc({ cause: 'flood-control' });
          this.logger.warn({ channelId: channel.channelId, retryAfterMs: failure.retryAfterMs }, 'telegram flood control; waiting retry_after');
          this.limiter.pauseBot(bot, failure.retryAfterMs);
          continue;
        }
        const backoff = Math.min(15_000, 500 * 2 ** networkRetries++);
        if (Date.now() + backoff > deadline) return { ok: false, errorCode: TelegramSendError.Unavailable, description: failure.description };
        telegramMetrics.sendRetries.inc({ cause: 'unavailable' });
        this.logger.warn({ channelId: channel.channelId, backoffMs: backoff, detail: failure.description }, 'telegram unreachable; retrying the send');
        await this.sleep(backoff);
      }
    }
  }

  private failed(command: SendOutboundMessageCommand, errorCode: string, errorMessage: string): MessageStatusData {
    return {
      messageId: command.message.messageId,
      externalChatId: command.message.externalChatId,
      status: 'failed',
      errorCode,
      errorMessage: errorMessage.slice(0, 1000),
      at: new Date().toISOString(),
    };
  }

  /** A sleep that ends early when the process stops (the caller then gives the command back uncommitted). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.stopping.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
