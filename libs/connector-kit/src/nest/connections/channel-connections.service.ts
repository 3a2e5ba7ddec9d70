import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@crm/service-kit';
import { connectionActions } from '../../core/registry/channel-registry';
import type { ChannelChange, ConnectorChannel } from '../../ports/channel-state.port';
import { type ChannelLifecyclePort, type DisconnectReason, KitHealthCause } from '../../ports/lifecycle.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { ChannelLeases } from '../coordination/channel-leases.service';
import { connectorMetrics } from '../metrics';
import { HealthReporter } from '../publish/health-reporter';
import { ChannelRegistry } from '../registry/channel-registry.service';
import { KIT_OPTIONS, LIFECYCLE_PORT } from '../tokens';

/** Platform calls made at once when every channel is reconciled at start. */
const RECONCILE_CONCURRENCY = 8;

/**
 * Keeps each channel's platform connection (webhook registration, subscription) in line with the registry, through
 * the ChannelLifecyclePort — on the ONE instance holding the channel's lease (ChannelLeases): every channel this
 * instance acquires (once the config topic is replayed, or taken over from a dead instance) is reconciled — active →
 * connected, any other → disconnected (changes missed while no holder ran are caught up); after that each change
 * connects / disconnects as its connection key says, applied by the lease holder only. One channel's actions run in
 * order. Health: what connect() returns; `disconnected` after a deactivation; forgotten after a deletion.
 */
@Injectable()
export class ChannelConnections<S extends ConnectorChannel = ConnectorChannel> implements OnModuleInit {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: ChannelRegistry<S>,
    private readonly health: HealthReporter,
    private readonly leases: ChannelLeases<S>,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(LIFECYCLE_PORT) private readonly lifecycle?: ChannelLifecyclePort<S>,
  ) {}

  onModuleInit(): void {
    if (!this.lifecycle) return;
    this.leases.onAcquired((channelIds) => void this.reconcile(channelIds));
    this.registry.onChange((change) => void this.enqueue(change.channelId, () => this.applyIfHolder(change)));
  }

  /** Resolves when every queued action has run (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async reconcile(channelIds: string[]): Promise<void> {
    const queue = [...channelIds];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        await this.enqueue(id, async () => {
          // The state as it is when the channel's turn comes (a change may have been applied meanwhile).
          const c = this.registry.get(id);
          if (!c || !this.leases.owns(id)) return;
          await (c.status === 'active' ? this.connect(c) : this.disconnect(c, c.status as DisconnectReason));
        });
      }
    };
    await Promise.all(Array.from({ length: RECONCILE_CONCURRENCY }, worker));
    this.logger.info({ channels: channelIds.length }, `${this.options.channelType} channels reconciled`);
  }

  private async applyIfHolder(change: ChannelChange<S>): Promise<void> {
    if (!(await this.isHolder(change.channelId))) return;
    await this.apply(change);
    if (!change.after) await this.leases.release(change.channelId).catch(() => undefined); // else it just expires
  }

  /** Asks for the channel's lease (a new channel: the first instance to ask); the database unreachable → what we held. */
  private async isHolder(channelId: string): Promise<boolean> {
    try {
      return (await this.leases.claim([channelId])).has(channelId);
    } catch (err) {
      this.logger.warn({ channelId, err: { message: (err as Error).message } }, 'channel lease not checked; going by the last renewal');
      return this.leases.owns(channelId);
    }
  }

  private async apply(change: ChannelChange<S>): Promise<void> {
    const { disconnect, connect } = connectionActions(change, (s) => this.lifecycle!.connectionKey(s));
    if (disconnect) await this.disconnect(disconnect, !change.after ? 'deleted' : change.after.status === 'active' ? 'replaced' : (change.after.status as DisconnectReason));
    else if (!change.after) this.health.forget(change.channelId);
    if (connect) await this.connect(connect);
  }

  private async connect(channel: S): Promise<void> {
    const health = await this.lifecycle!.connect(channel);
    connectorMetrics.connections.inc({ channel_type: this.options.channelType, action: 'connect', result: health.status === 'active' ? 'ok' : 'failed' });
    await this.health.report(channel, health);
  }

  private async disconnect(channel: S, reason: DisconnectReason): Promise<void> {
    try {
      await this.lifecycle!.disconnect(channel, reason);
      connectorMetrics.connections.inc({ channel_type: this.options.channelType, action: 'disconnect', result: 'ok' });
    } catch (err) {
      connectorMetrics.connections.inc({ channel_type: this.options.channelType, action: 'disconnect', result: 'failed' });
      this.logger.warn({ channelId: channel.channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'channel not disconnected at the platform');
    }
    if (reason === 'deleted') this.health.forget(channel.channelId);
    else if (reason !== 'replaced') await this.health.report(channel, { status: 'disconnected', causeCode: KitHealthCause.ChannelInactive, message: `channel is ${reason}` });
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
