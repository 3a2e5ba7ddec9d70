/** An Avito access token as it is shared between connector instances. */
export interface StoredAvitoToken {
  accessToken: string;
  expiresAt: Date;
  /** The client id it was issued for: a token of other credentials (settings changed) is not used. */
  clientId: string;
}

/** Whose token: the channel, and its account (every query of the store is scoped by it). */
export interface AvitoTokenKey {
  channelId: string;
  accountId: string;
}

/**
 * Port: where the access token of a channel lives, shared by every connector instance (Postgres in the connector,
 * encrypted; in memory in unit tests). One token per channel, not one per process.
 */
export interface AvitoTokenStore {
  /** The stored token of the channel, or null. */
  read(key: AvitoTokenKey): Promise<StoredAvitoToken | null>;
  /**
   * Under a lock that every instance shares (one refresh at a time per channel): reads the stored token; if
   * `usable(stored)` returns it; otherwise awaits `issue()`, stores its token and returns it. When `issue` throws,
   * nothing is stored and the error propagates (the lock is released either way).
   */
  refresh(key: AvitoTokenKey, usable: (stored: StoredAvitoToken | null) => boolean, issue: () => Promise<StoredAvitoToken>): Promise<StoredAvitoToken>;
  /** Drops the channel's token (channel deleted). */
  remove(key: AvitoTokenKey): Promise<void>;
}

/** A process-local AvitoTokenStore (unit tests, and a single-instance fallback): one refresh at a time per channel. */
export class InMemoryAvitoTokenStore implements AvitoTokenStore {
  private readonly tokens = new Map<string, StoredAvitoToken>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async read(key: AvitoTokenKey): Promise<StoredAvitoToken | null> {
    return this.tokens.get(key.channelId) ?? null;
  }

  async refresh({ channelId }: AvitoTokenKey, usable: (stored: StoredAvitoToken | null) => boolean, issue: () => Promise<StoredAvitoToken>): Promise<StoredAvitoToken> {
    const previous = this.locks.get(channelId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      const stored = this.tokens.get(channelId) ?? null;
      if (usable(stored)) return stored!;
      const fresh = await issue();
      this.tokens.set(channelId, fresh);
      return fresh;
    });
    this.locks.set(channelId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(channelId) === run) this.locks.delete(channelId);
    }
  }

  async remove(key: AvitoTokenKey): Promise<void> {
    this.tokens.delete(key.channelId);
  }
}
