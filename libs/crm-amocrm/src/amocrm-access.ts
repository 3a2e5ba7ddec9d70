import { AmocrmApiError, AmocrmClient, type AmocrmAnswer, type AmocrmOAuthClient, type AmocrmTokens } from './amocrm-client';
import { AmocrmGrantRejectedError } from './amocrm-errors';
import type { AmocrmIntegrationRef, AmocrmTokenStore } from './amocrm-token-store';

/** An access token is refreshed this long before it expires. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export type AmocrmAuth =
  /** A long-lived token (private integrations): used as it is, never refreshed. */
  | { kind: 'long-lived'; token: string }
  /** OAuth: the pair held now (null: the code was never exchanged, e.g. amoCRM was down at save time). */
  | { kind: 'oauth'; tokens: AmocrmTokens | null; authCode: string | null };

/** What the adapter calls one amoCRM account with. */
export interface AmocrmConnection {
  /** API root of the account (AMOCRM_BASE_URL with the subdomain). */
  base: string;
  client: AmocrmOAuthClient;
  auth: AmocrmAuth;
  /** The integration whose token row is locked for a refresh (null: not stored yet, e.g. a save-time check). */
  ref: AmocrmIntegrationRef | null;
  pipelineId: number | null;
  statusId: number | null;
}

/** No pair and no code: nothing to authorize with. */
const NOTHING_TO_AUTHORIZE = 'no authorization code or token is stored';

/**
 * Bearer tokens for a connection: the held access token while it is valid; else — and on a 401 — under the token
 * store's lock: the pair another instance (or a re-authorization) stored meanwhile when it is fresher than ours,
 * otherwise exactly one refresh (or the first exchange of the code), whose rotated pair is stored before the lock
 * is let go.
 */
export class AmocrmAccess {
  constructor(
    readonly client: AmocrmClient,
    private readonly store: AmocrmTokenStore | null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** One API call; a 401 with OAuth → one forced refresh and one retry. */
  async call<T>(conn: AmocrmConnection, method: 'GET' | 'POST', path: string, body?: unknown): Promise<AmocrmAnswer<T>> {
    const token = await this.token(conn, false);
    try {
      return await this.client.call<T>(conn.base, token, method, path, body);
    } catch (err) {
      if (!(err instanceof AmocrmApiError) || err.status !== 401 || conn.auth.kind !== 'oauth') throw err;
      return this.client.call<T>(conn.base, await this.token(conn, true), method, path, body);
    }
  }

  async token(conn: AmocrmConnection, rejected: boolean): Promise<string> {
    const auth = conn.auth;
    if (auth.kind === 'long-lived') return auth.token;
    const held = auth.tokens;
    if (held && !rejected && held.expiresAt - this.clock() > REFRESH_MARGIN_MS) return held.accessToken;
    const renew = (stored: AmocrmTokens | null) => this.renew(conn, auth, held, stored);
    const fresh = this.store && conn.ref ? await this.store.withLockedTokens(conn.ref, renew) : (await renew(held)).result;
    auth.tokens = fresh;
    return fresh.accessToken;
  }

  private async renew(
    conn: AmocrmConnection,
    auth: Extract<AmocrmAuth, { kind: 'oauth' }>,
    held: AmocrmTokens | null,
    stored: AmocrmTokens | null,
  ): Promise<{ store?: AmocrmTokens; result: AmocrmTokens }> {
    if (stored && stored.refreshToken !== held?.refreshToken && stored.expiresAt - this.clock() > REFRESH_MARGIN_MS) {
      return { result: stored };
    }
    if (stored) {
      const next = await this.client.refresh(conn.base, conn.client, stored);
      return { store: next, result: next };
    }
    if (!auth.authCode) throw new AmocrmGrantRejectedError('authorization_code', 0, NOTHING_TO_AUTHORIZE);
    const next = await this.client.exchangeCode(conn.base, conn.client, auth.authCode);
    return { store: next, result: next };
  }
}

/** A token store for a check before anything is saved (or inside the api's own locked PATCH): holds the pair. */
export class HeldTokenStore implements AmocrmTokenStore {
  constructor(public tokens: AmocrmTokens | null) {}

  async withLockedTokens<T>(_ref: AmocrmIntegrationRef, fn: (stored: AmocrmTokens | null) => Promise<{ store?: AmocrmTokens; result: T }>): Promise<T> {
    const { store, result } = await fn(this.tokens);
    if (store) this.tokens = store;
    return result;
  }
}
