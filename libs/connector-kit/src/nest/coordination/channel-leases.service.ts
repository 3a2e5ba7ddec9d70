import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorChannel } from '../../ports/channel-state.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { ChannelRegistry } from '../registry/channel-registry.service';
import { HEALTH_CHECK_PORT, KIT_OPTIONS, LIFECYCLE_PORT } from '../tokens';
import { LeaseService } from './lease.service';

type AcquiredListener = (channelIds: string[]) => void;

/**
 * Which channels THIS instance looks after: one lease per channel (`connector:<type>:channel:<id>` in table
 * `leases`), so the platform connection (webhook registration) and the health checks of a channel run on one
 * instance only, however many run. Once the config topic is replayed every known channel's lease is asked for (the
 * first instance up gets them); every third of the TTL the held ones are renewed and free or expired ones taken, so a
 * dead instance's channels are taken over within one TTL. Channels acquired (at start or by takeover) are announced
 * (`onAcquired`) for reconciling. Only when the connector has a lifecycle or health-check port; released on shutdown.
 */
@Injectable()
export class ChannelLeases<S extends ConnectorChannel = ConnectorChannel> implements OnModuleInit, OnModuleDestroy {
  /** This process: `<SERVICE_INSTANCE_ID or host>:<pid>:<random>` (unique even for two apps of one process). */
  readonly holder: string;
  /** Channel id → local time until which the lease is surely ours (taken before the statement was sent). */
  private readonly heldUntil = new Map<string, number>();
  private readonly listeners: AcquiredListener[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly enabled: boolean;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly leases: LeaseService,
    private readonly registry: ChannelRegistry<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: { SERVICE_INSTANCE_ID?: string },
    @Optional() @Inject(LIFECYCLE_PORT) lifecycle?: unknown,
    @Optional() @Inject(HEALTH_CHECK_PORT) probe?: unknown,
  ) {
    const instance = (config.SERVICE_INSTANCE_ID || hostname()).replace(/:/g, '-').slice(0, 60);
    this.holder = `${instance}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.enabled = lifecycle !== undefined || probe !== undefined;
  }

  onModuleInit(): void {
    if (this.enabled) this.registry.onLoaded(() => void this.renew());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
    if (this.heldUntil.size === 0) return;
    this.heldUntil.clear();
    await this.leases.release(this.holder).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message } }, 'channel leases not released; they expire'));
  }

  /** Called with the channels this instance has just acquired (at start, or taken over from a dead instance). */
  onAcquired(listener: AcquiredListener): void {
    this.listeners.push(listener);
  }

  /** True while this instance holds the channel's lease. */
  owns(channelId: string): boolean {
    return (this.heldUntil.get(channelId) ?? 0) > Date.now();
  }

  /** Takes or renews the channels' leases now; answers those this instance holds (a change is applied by its holder). */
  claim(channelIds: string[]): Promise<Set<string>> {
    return this.serialized(() => this.acquire(channelIds));
  }

  /** Gives a channel's lease up (the channel was deleted). */
  release(channelId: string): Promise<void> {
    this.heldUntil.delete(channelId);
    return this.serialized(() => this.leases.release(this.holder, [this.leaseName(channelId)]));
  }

  /** Renews the held leases and takes the free ones of known channels; announces the newly acquired. */
  private async renew(): Promise<void> {
    try {
      const acquired = await this.serialized(async () => {
        const before = new Set([...this.heldUntil.keys()].filter((id) => this.owns(id)));
        const held = await this.acquire([...new Set([...this.registry.all().map((c) => c.channelId), ...this.heldUntil.keys()])]);
        return [...held].filter((id) => !before.has(id));
      });
      if (acquired.length > 0) {
        this.logger.info({ channels: acquired.length, holder: this.holder }, `${this.options.channelType} channel leases acquired`);
        for (const listener of this.listeners) listener(acquired);
      }
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'channel leases not renewed; retrying');
    } finally {
      this.schedule();
    }
  }

  private async acquire(channelIds: string[]): Promise<Set<string>> {
    if (channelIds.length === 0) return new Set();
    const until = Date.now() + this.options.leaseTtlMs;
    const names = await this.leases.tryAcquire(channelIds.map((id) => this.leaseName(id)), this.holder, this.options.leaseTtlMs);
    const held = new Set<string>();
    for (const id of channelIds) {
      if (names.has(this.leaseName(id))) {
        held.add(id);
        this.heldUntil.set(id, until);
      } else {
        this.heldUntil.delete(id);
      }
    }
    return held;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renew(), Math.max(100, Math.floor(this.options.leaseTtlMs / 3)));
    this.timer.unref();
  }

  private serialized<T>(op: () => Promise<T>): Promise<T> {
    const next = this.chain.then(op, op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private leaseName(channelId: string): string {
    return `connector:${this.options.channelType}:channel:${channelId}`;
  }
}
