import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ChannelConfigData } from '@crm/contracts';
import { LOGGER } from '@crm/service-kit';
import { ChannelStateRegistry } from '../../core/registry/channel-registry';
import { channelStateBuilder } from '../../core/registry/channel-state-builder';
import type { ChannelChange, ChannelStatePort, ConnectorChannel } from '../../ports/channel-state.port';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { CHANNEL_STATE_PORT, KIT_OPTIONS } from '../tokens';

type ChangeListener<S extends ConnectorChannel> = (change: ChannelChange<S>) => void;
type LoadedListener<S> = (channels: S[]) => void;

/**
 * The in-memory registry of this instance: every channel of the connector's type from channels.config.v1, credentials
 * decrypted. While the topic is replayed at start nothing is announced; once caught up, `onLoaded` listeners see every
 * channel, and later records are announced one change at a time (`onChange`). Inject it as `ChannelRegistry<YourState>`.
 */
@Injectable()
export class ChannelRegistry<S extends ConnectorChannel = ConnectorChannel> {
  private readonly registry: ChannelStateRegistry<S>;
  private readonly changeListeners: ChangeListener<S>[] = [];
  private readonly loadedListeners: LoadedListener<S>[] = [];
  private loaded = false;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(CHANNEL_STATE_PORT) port: ChannelStatePort<S>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.registry = new ChannelStateRegistry<S>(options.channelType, channelStateBuilder(options.secretsKey, port));
  }

  get channelType(): string {
    return this.options.channelType;
  }

  /** Applies one channels.config.v1 record (null = tombstone). A record that cannot be read is logged and ignored. */
  apply(channelId: string, record: ChannelConfigData | null): void {
    let change: ChannelChange<S> | null;
    try {
      change = this.registry.apply(channelId, record);
    } catch (err) {
      this.logger.error({ channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'channel config record ignored');
      return;
    }
    if (!change || !this.loaded) return;
    this.logger.info({ channelId, before: change.before?.status ?? null, after: change.after?.status ?? null }, `${this.options.channelType} channel changed`);
    for (const listener of this.changeListeners) listener(change);
  }

  /** The replay of the topic reached its end: from now on the registry answers for every channel. */
  markLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.markReady();
    this.logger.info({ channels: this.registry.size }, `${this.options.channelType} channel registry loaded`);
    const channels = this.registry.all();
    for (const listener of this.loadedListeners) listener(channels);
  }

  get isReady(): boolean {
    return this.loaded;
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  active(channelId: string): S | undefined {
    return this.registry.active(channelId);
  }

  get(channelId: string): S | undefined {
    return this.registry.get(channelId);
  }

  all(): S[] {
    return this.registry.all();
  }

  onChange(listener: ChangeListener<S>): void {
    this.changeListeners.push(listener);
  }

  onLoaded(listener: LoadedListener<S>): void {
    this.loadedListeners.push(listener);
  }
}
