import type { AvitoApiClient } from '../api/avito-api.client';
import { type AvitoFailure, type AvitoResult, failed, ok } from '../api/avito-failure';
import type { AvitoTokenKey, AvitoTokenStore, StoredAvitoToken } from './avito-token.store';

export interface AvitoCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AvitoTokenProviderOptions {
  /** A token this close to its expiry is re-requested before use (default 10 min of its 24 h). */
  refreshMarginMs?: number;
  /** The clock (ms since the epoch); injectable for tests. */
  now?: () => number;
  /** Told about every `/token` call (metrics): issued, refused (credentials rejected) or failed (Avito unavailable). */
  onTokenRequest?: (result: 'issued' | 'refused' | 'failed') => void;
}

/** Thrown inside a store refresh so the lock is released without storing; unwrapped by the provider. */
class TokenIssueError extends Error {
  constructor(readonly failure: AvitoFailure) {
    super(`Avito /token: ${failure.kind}`);
  }
}

/**
 * Access tokens of Avito channels (client credentials, 24 h, no refresh token): served from a process cache, else from
 * the shared store, re-requested before expiry and after a 401 — at most one `/token` call at a time per channel
 * across every instance (the store's lock), so N instances that see an expired token refresh it once.
 */
export class AvitoTokenProvider {
  private readonly cache = new Map<string, StoredAvitoToken>();
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly onTokenRequest: (result: 'issued' | 'refused' | 'failed') => void;

  constructor(
    private readonly store: AvitoTokenStore,
    private readonly api: Pick<AvitoApiClient, 'requestToken'>,
    options: AvitoTokenProviderOptions = {},
  ) {
    this.marginMs = options.refreshMarginMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    this.onTokenRequest = options.onTokenRequest ?? (() => undefined);
  }

  /** A token to use now for the channel (re-requested when missing, of other credentials, or near expiry). */
  async token(key: AvitoTokenKey, credentials: AvitoCredentials): Promise<AvitoResult<string>> {
    const cached = this.cache.get(key.channelId);
    if (cached && this.fresh(cached, credentials)) return ok(cached.accessToken);
    return this.refresh(key, credentials, (stored) => stored !== null && this.fresh(stored, credentials));
  }

  /** After Avito answered 401 to `rejectedToken`: a different token (another instance's, or a new one). */
  async renew(key: AvitoTokenKey, credentials: AvitoCredentials, rejectedToken: string): Promise<AvitoResult<string>> {
    this.cache.delete(key.channelId);
    return this.refresh(key, credentials, (stored) => stored !== null && stored.accessToken !== rejectedToken && this.fresh(stored, credentials));
  }

  /**
   * Runs `call` with the channel's token; a 401 renews the token and runs it once more. A second 401 (or a refused
   * `/token`) comes back as a `rejected` failure: the credentials no longer work (needs-reauth).
   */
  async withToken<T>(key: AvitoTokenKey, credentials: AvitoCredentials, call: (token: string) => Promise<AvitoResult<T>>): Promise<AvitoResult<T>> {
    const first = await this.token(key, credentials);
    if (!first.ok) return first;
    const result = await call(first.value);
    if (result.ok || !isUnauthorized(result.failure)) return result;
    const second = await this.renew(key, credentials, first.value);
    if (!second.ok) return second;
    return call(second.value);
  }

  /** Forgets the channel's token in this process (credentials changed, channel removed). */
  forget(channelId: string): void {
    this.cache.delete(channelId);
  }

  private async refresh(key: AvitoTokenKey, credentials: AvitoCredentials, usable: (stored: StoredAvitoToken | null) => boolean): Promise<AvitoResult<string>> {
    try {
      const token = await this.store.refresh(key, usable, async () => {
        const issued = await this.api.requestToken(credentials.clientId, credentials.clientSecret);
        this.onTokenRequest(issued.ok ? 'issued' : issued.failure.kind === 'rejected' ? 'refused' : 'failed');
        if (!issued.ok) throw new TokenIssueError(issued.failure);
        return { accessToken: issued.value.accessToken, expiresAt: new Date(this.now() + issued.value.expiresInSeconds * 1000), clientId: credentials.clientId };
      });
      this.cache.set(key.channelId, token);
      return ok(token.accessToken);
    } catch (err) {
      if (err instanceof TokenIssueError) return failed(err.failure);
      return failed({ kind: 'unavailable', message: `token store: ${(err as Error)?.message ?? String(err)}` });
    }
  }

  private fresh(token: StoredAvitoToken, credentials: AvitoCredentials): boolean {
    return token.clientId === credentials.clientId && token.expiresAt.getTime() - this.now() > this.marginMs;
  }
}

/** Only a 401 means "this token" is bad; a 403 (scope, company account) would fail again with a fresh token. */
function isUnauthorized(failure: AvitoFailure): boolean {
  return failure.kind === 'rejected' && failure.status === 401;
}
