import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { MessageStatusData } from '@crm/contracts';
import { LOGGER } from '@crm/service-kit';
import { SendRateLimiter } from '../../core/rate-limit/send-rate-limiter';
import { retryCall, SendInterruptedError } from '../../core/retry/retry-call';
import type { ConnectorChannel } from '../../ports/channel-state.port';
import type { DeliveryContext, DeliveryResult, OutboundPort } from '../../ports/outbound.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { SharedSendBudgetRepository } from '../coordination/shared-send-budget.repository';
import { connectorMetrics } from '../metrics';
import { StatusPublisher } from '../publish/status-publisher';
import { ChannelRegistry } from '../registry/channel-registry.service';
import { KIT_OPTIONS, OUTBOUND_PORT } from '../tokens';
import { type DeliveryRef, DeliveryLogRepository } from './delivery-log.repository';
import type { SendOutboundMessageCommand } from './send-outbound-message.command';

/** Stable codes of outbound failures the kit decides itself. */
export const OutboundErrorCode = {
  /** The channel is unknown, deleted, not active in this connector, or not the command's account's. */
  ChannelInactive: 'CHANNEL_INACTIVE',
  /** A send was interrupted (crash, restart) after the platform may have been called: it is not repeated. */
  SendOutcomeUnknown: 'SEND_OUTCOME_UNKNOWN',
} as const;

/**
 * Sends an agent's reply through the channel's OutboundPort and reports the outcome on channels.status.v1, at most
 * once: the delivery log records the send before the platform is called, so a redelivered command (rebalance,
 * restart before the commit) only re-publishes a known outcome, and a send that was interrupted midway ends `failed`
 * SEND_OUTCOME_UNKNOWN — unless the platform dedupes by an idempotency key, when it is simply delivered again.
 */
@Injectable()
export class SendOutboundMessageUseCase<S extends ConnectorChannel = ConnectorChannel> implements OnModuleDestroy {
  private readonly limiter: SendRateLimiter;
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: ChannelRegistry<S>,
    private readonly deliveries: DeliveryLogRepository,
    private readonly statuses: StatusPublisher,
    @Inject(OUTBOUND_PORT) private readonly port: OutboundPort<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    budgets: SharedSendBudgetRepository,
  ) {
    // The per-channel limit is shared by every instance (Postgres); the per-chat one is local (one chat = one partition).
    const shared = budgets.budgetFor(options.channelType, port.limits);
    const onSharedError = (err: unknown) => this.logger.warn({ err: { message: (err as Error).message } }, 'shared send budget unavailable; limiting this instance alone');
    this.limiter = new SendRateLimiter(port.limits, Date.now, (ms) => this.sleep(ms), undefined, shared, onSharedError);
  }

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  async execute(command: SendOutboundMessageCommand): Promise<void> {
    await this.registry.ready();
    const { accountId, channelId, message } = command;
    const ref: DeliveryRef = { accountId, messageId: message.messageId, channelId, channelType: this.options.channelType };
    // The command's tenant must own the channel (a mismatch is treated like an unknown channel).
    const channel = this.registry.active(channelId);
    const owned = channel !== undefined && channel.accountId === accountId ? channel : undefined;
    const claim = await this.deliveries.claim(ref);
    let status: MessageStatusData;
    if (claim.state === 'done') {
      if (claim.published) return this.count('duplicate', '', ref, 'outbound message already handled; not sent again');
      status = claim.outcome;
    } else if (!owned) {
      status = this.failed(command, OutboundErrorCode.ChannelInactive, 'the channel is not active');
      await this.deliveries.finish(ref, status);
    } else if (claim.state === 'in-progress' && this.port.idempotency === 'none') {
      status = this.failed(command, OutboundErrorCode.SendOutcomeUnknown, 'a send was interrupted; it may or may not have reached the recipient');
      await this.deliveries.finish(ref, status);
    } else {
      const attempt = claim.state === 'in-progress' ? await this.deliveries.retake(ref) : claim.attempts;
      const delivered = await this.deliver(owned, command, ref, attempt);
      if (!delivered) return;
      status = delivered;
    }
    await this.statuses.publish({ accountId, channelId }, status, command.correlationId);
    await this.deliveries.markPublished(ref);
    this.count(status.status, status.errorCode ?? '', ref, 'outbound message handled', status);
  }

  /** Calls the port; records the outcome. null when another instance finished the row meanwhile (it publishes). */
  private async deliver(channel: S, command: SendOutboundMessageCommand, ref: DeliveryRef, attempt: number): Promise<MessageStatusData | null> {
    let called = attempt > 1;
    const chatId = command.message.externalChatId;
    const ctx: DeliveryContext = {
      idempotencyKey: command.message.messageId,
      attempt,
      call: (fn) =>
        retryCall(fn, {
          classify: (err) => this.port.classifyFailure(err),
          retryWindowMs: this.options.sendRetryWindowMs,
          sleep: (ms) => this.sleep(ms),
          acquire: () => this.limiter.acquire(channel.channelId, chatId),
          onRetryAfter: (ms, scope) => (scope === 'chat' ? this.limiter.pauseChat(channel.channelId, chatId, ms) : this.limiter.pauseChannel(channel.channelId, ms)),
          stopped: () => this.stopping.signal.aborted,
          onAttempt: () => (called = true),
          onRetry: (cause, failure, waitMs) => {
            connectorMetrics.sendRetries.inc({ channel_type: this.options.channelType, cause });
            this.logger.warn({ channelId: channel.channelId, cause, waitMs, detail: failure.description }, 'platform call retried');
          },
          ...(this.port.rateLimitedCode ? { rateLimitedCode: this.port.rateLimitedCode } : {}),
        }),
    };
    let result: DeliveryResult;
    try {
      result = await this.port.deliver(channel, command.message, ctx);
    } catch (err) {
      // Stopping before anything went out: give the claim back so the restart sends it (nothing to be unsure about).
      if (err instanceof SendInterruptedError && !called) await this.deliveries.release(ref);
      throw err;
    }
    const status = this.toStatus(command, result);
    if (await this.deliveries.finish(ref, status)) return status;
    this.logger.warn({ channelId: ref.channelId, messageId: ref.messageId }, 'delivery finished elsewhere meanwhile; status not published here');
    return null;
  }

  private toStatus(command: SendOutboundMessageCommand, result: DeliveryResult): MessageStatusData {
    if (result.status === 'failed') return this.failed(command, result.errorCode, result.errorMessage ?? result.errorCode);
    return {
      messageId: command.message.messageId,
      externalChatId: command.message.externalChatId,
      ...(result.externalMessageId ? { externalMessageId: result.externalMessageId } : {}),
      status: 'sent',
      at: result.at ?? new Date().toISOString(),
    };
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

  private count(status: string, errorCode: string, ref: DeliveryRef, message: string, outcome?: MessageStatusData): void {
    connectorMetrics.outbound.inc({ channel_type: this.options.channelType, status, error_code: errorCode });
    this.logger.info({ channelId: ref.channelId, messageId: ref.messageId, status, errorCode: outcome?.errorCode }, message);
  }

  /** A sleep that ends early when the process stops (the caller then gives the command back uncommitted). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.stopping.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
