import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { InboundMessageData } from '@crm/contracts';
import { InboundPublisher } from '@crm/connector-kit';
import { mergeAlbum } from '@crm/platform-telegram';
import { LOGGER } from '@crm/service-kit';
import { ConnectorTelegramConfig } from '../config/connector-telegram.config';
import { type AlbumRef, AlbumPartsRepository, type AlbumTake } from './album-parts.repository';

interface Pending {
  album: AlbumRef;
  chatId: string;
  timer?: NodeJS.Timeout;
  attempts: number;
}

/**
 * Albums (several messages sharing a media_group_id) become one inbound message with every attachment.
 *
 * Telegram sends one chat's updates one at a time, waiting for each answer, so a part cannot be held unanswered until
 * its siblings arrive — they would never come. Each part is therefore stored in Postgres (durable, then answered
 * 200), and once no part has arrived for TELEGRAM_ALBUM_WAIT_MS the parts are merged, published with acks=all and
 * deleted in one transaction. A sweeper publishes albums a crash, another instance or an outage left behind.
 * A later message of the same chat publishes that chat's pending album first, keeping the chat in order.
 */
@Injectable()
export class AlbumBuffer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pending = new Map<string, Pending>();
  private sweeper?: NodeJS.Timeout;
  private readonly waitMs: number;

  constructor(
    private readonly parts: AlbumPartsRepository,
    private readonly publisher: InboundPublisher,
    @Inject(ConnectorTelegramConfig) config: ConnectorTelegramConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.waitMs = config.TELEGRAM_ALBUM_WAIT_MS;
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, this.waitMs * 3));
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    // Publish what this instance holds now rather than leaving it to another instance's sweeper.
    await Promise.all([...this.pending.keys()].map((key) => this.flush(key, 0).catch(() => undefined)));
  }

  /** Stores a part (resolves once it is durable) and (re)starts its album's quiet timer. */
  async add(album: AlbumRef, part: InboundMessageData): Promise<void> {
    await this.parts.store(album, part);
    const key = keyOf(album);
    const entry = this.pending.get(key) ?? { album, chatId: part.externalChatId, attempts: 0 };
    this.pending.set(key, entry);
    this.schedule(key, entry, this.waitMs);
  }

  /** Publishes this instance's pending albums of a chat at once (a later message of the chat is about to be produced). */
  async flushChat(channelId: string, chatId: string): Promise<void> {
    if (this.pending.size === 0) return;
    const keys = [...this.pending].filter(([, p]) => p.album.channelId === channelId && p.chatId === chatId).map(([k]) => k);
    for (const key of keys) await this.flush(key, 0);
  }

  private schedule(key: string, entry: Pending, delayMs: number): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.flush(key, this.waitMs * 0.9).catch((err: unknown) => {
        entry.attempts += 1;
        this.logger.warn({ channelId: entry.album.channelId, albumId: entry.album.albumId, attempts: entry.attempts, err: { message: (err as Error).message } }, 'album not published yet; will retry');
        if (this.pending.get(key) === entry) this.schedule(key, entry, Math.min(30_000, this.waitMs * 2 ** entry.attempts));
      });
    }, delayMs);
    entry.timer.unref();
  }

  /** Publishes the album if it has been quiet for `quietMs` (0 = now). Throws when Kafka or Postgres fails. */
  private async flush(key: string, quietMs: number): Promise<AlbumTake> {
    const entry = this.pending.get(key);
    if (!entry) return 'empty';
    const result = await this.publish(entry.album, quietMs);
    if (result === 'not-quiet') {
      this.schedule(key, entry, this.waitMs);
    } else if (this.pending.get(key) === entry) {
      clearTimeout(entry.timer);
      this.pending.delete(key);
    }
    return result;
  }

  private publish(album: AlbumRef, quietMs: number): Promise<AlbumTake> {
    return this.parts.take(album, quietMs, async (parts) => {
      const merged = mergeAlbum(parts);
      await this.publisher.publish(album, [merged]);
      this.logger.debug({ channelId: album.channelId, albumId: album.albumId, parts: parts.length }, 'album published');
    });
  }

  private async sweep(): Promise<void> {
    try {
      for (const album of await this.parts.quietAlbums(this.waitMs * 2)) {
        if (this.pending.has(keyOf(album))) continue;
        await this.publish(album, this.waitMs * 2);
      }
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'album sweep failed; will retry');
    }
  }
}

function keyOf(album: AlbumRef): string {
  return `${album.channelId}\u0000${album.albumId}`;
}
