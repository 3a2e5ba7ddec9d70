import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { type RegistryChange, type TelegramChannelState, webhookActions } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { DisconnectChannelUseCase, type DisconnectReason } from '../disconnect-channel/disconnect-channel.usecase';
import { ChannelRegistryService } from '../registry/channel-registry.service';
import { ConnectChannelUseCase } from './connect-channel.usecase';

/** Bot API calls made at once when every channel is reconciled at start. */
const RECONCILE_CONCURRENCY = 8;

/**
 * Keeps every bot's webhook (or polling loop) in line with the registry: once the config topic is replayed, each
 * active channel is connected and each other one disconnected (changes missed while no instance ran are caught up);
 * after that, each change connects / disconnects as `webhookActions` says. One channel's actions run in order.
 */
@Injectable()
export class ChannelConnections implements OnModuleInit {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: ChannelRegistryService,
    private readonly connect: ConnectChannelUseCase,
    private readonly disconnect: DisconnectChannelUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.registry.onLoaded((channels) => void this.reconcile(channels));
    this.registry.onChange((change) => this.enqueue(change.channelId, () => this.apply(change)));
  }

  /** Resolves when every queued action has run (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async reconcile(channels: TelegramChannelState[]): Promise<void> {
    const queue = [...channels];
    const worker = async () => {
      for (let channel = queue.shift(); channel; channel = queue.shift()) {
        const c = channel;
        await this.enqueue(c.channelId, () => (c.status === 'active' ? this.connect.execute(c).then(() => undefined) : this.disconnect.execute(c, c.status as DisconnectReason)));
      }
    };
    await Promise.all(Array.from({ length: RECONCILE_CONCURRENCY }, worker));
    this.logger.info({ channels: channels.length }, 'telegram channels reconciled');
  }

  private async apply(change: RegistryChange): Promise<void> {
    const { remove, register } = webhookActions(change);
    if (remove) await this.disconnect.execute(remove, !change.after ? 'deleted' : change.after.status === 'active' ? 'token-replaced' : (change.after.status as DisconnectReason));
    if (register) await this.connect.execute(register);
  }

  private enqueue(channelId: string, action: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(channelId) ?? Promise.resolve();
    const next = previous.then(action).catch((err: unknown) => this.logger.error({ channelId, err: { message: (err as Error).message } }, 'channel connection action failed'));
    this.queues.set(channelId, next);
    void next.then(() => {
      if (this.queues.get(channelId) === next) this.queues.delete(channelId);
    });
    return next;
  }
}
