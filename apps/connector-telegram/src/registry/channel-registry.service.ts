import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ChannelConfigData } from '@crm/contracts';
import { type RegistryChange, TelegramChannelRegistry, type TelegramChannelState, telegramSecretsResolver } from '@crm/platform-telegram';
import { parseSecretsKey } from '@crm/secrets';
import { LOGGER } from '@crm/service-kit';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';

type ChangeListener = (change: RegistryChange) => void;
type LoadedListener = (channels: TelegramChannelState[]) => void;

/**
 * The in-memory channel registry of this instance: every Telegram channel of channels.config.v1 with its decrypted
 * token and webhook secret. While the topic is replayed at start nothing is announced; once caught up, `onLoaded`
 * listeners reconcile every channel and later records are announced one change at a time (`onChange`).
 */
@Injectable()
export class ChannelRegistryService {
  private readonly registry: TelegramChannelRegistry;
  private readonly changeListeners: ChangeListener[] = [];
  private readonly loadedListeners: LoadedListener[] = [];
  private loaded = false;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    @Inject(ConnectorTelegramConfig) config: ConnectorTelegramConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.registry = new TelegramChannelRegistry(telegramSecretsResolver(parseSecretsKey(config.SECRETS_KEY)));
  }

  /** Applies one channels.config.v1 record (null = tombstone). A record that cannot be decrypted is logged and ignored. */
  apply(channelId: string, config: ChannelConfigData | null): void {
    let change: RegistryChange | null;
    try {
      change = this.registry.apply(channelId, config);
    } catch (err) {
      this.logger.error({ channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'channel config record ignored');
      return;
    }
    if (!change || !this.loaded) return;
    this.logger.info({ channelId, before: change.before?.status ?? null, after: change.after?.status ?? null }, 'telegram channel changed');
    for (const listener of this.changeListeners) listener(change);
  }

  /** The replay of the topic reached its end: from now on the registry answers for every channel. */
  markLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.markReady();
    this.logger.info({ channels: this.registry.size }, 'telegram channel registry loaded');
    const channels = this.registry.all();
    for (const listener of this.loadedListeners) listener(channels);
  }

  get isReady(): boolean {
    return this.loaded;
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  active(channelId: string): TelegramChannelState | undefined {
    return this.registry.active(channelId);
  }

  get(channelId: string): TelegramChannelState | undefined {
    return this.registry.get(channelId);
  }

  all(): TelegramChannelState[] {
    return this.registry.all();
  }

  onChange(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  onLoaded(listener: LoadedListener): void {
    this.loadedListeners.push(listener);
  }
}
