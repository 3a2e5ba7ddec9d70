import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { VkChannelState } from '@crm/platform-vk';
import { LOGGER } from '@crm/service-kit';
import { MessagePermissionsRepository } from './message-permissions.repository';

const LINGER_MS = 20;
const MAX_BATCH = 1000;

type Write = { channel: Pick<VkChannelState, 'channelId' | 'accountId'>; userId: number; at: Date };

/**
 * A customer's message lifts an earlier message_deny of them (VK lets a community answer whoever writes to it). Off
 * the webhook's answer path and gathered: one UPDATE per 20 ms for every message meanwhile (almost always a no-op —
 * denials are rare), instead of a query per message. Order does not matter: each row keeps the latest dated word
 * (a denial dated after the message stays). A failed batch is logged; the user's next message lifts the denial.
 */
@Injectable()
export class DenialLifter implements OnModuleDestroy {
  private pending: Write[] = [];
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly permissions: MessagePermissionsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The user wrote at `at` (the message's VK date). */
  wrote(channel: Write['channel'], userId: number, at: Date): void {
    this.pending.push({ channel: { channelId: channel.channelId, accountId: channel.accountId }, userId, at });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LINGER_MS);
  }

  /** Resolves when everything handed in so far is written (tests, shutdown). */
  async settled(): Promise<void> {
    this.flush();
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    await this.settled();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.running = this.running.then(() =>
      this.permissions.allowAfterMessages(batch).catch((err: unknown) => this.logger.warn({ err: (err as Error).message, writes: batch.length }, 'message_deny not lifted for these writers; their next message retries')),
    );
  }
}
