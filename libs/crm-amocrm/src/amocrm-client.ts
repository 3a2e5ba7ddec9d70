import { createHash } from 'node:crypto';
import type { CrmHttpClient } from '@crm/crm-port';
import { AmocrmApiError, AmocrmGrantRejectedError, apiError } from './amocrm-errors';

/** `https://{subdomain}.amocrm.ru` (DESIGN §3): tests point it at a fake. */
export const DEFAULT_AMOCRM_BASE_URL = 'https://{subdomain}.amocrm.ru';

/** The account's API root: AMOCRM_BASE_URL with `{subdomain}` replaced (no trailing slash). */
export function amocrmBaseUrl(template: string, subdomain: string): string {
  return template.replace('{subdomain}', encodeURIComponent(subdomain)).replace(/\/+$/, '');
}

/** The OAuth client of one amoCRM integration (settings). */
export interface AmocrmOAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** An access/refresh pair as we keep it (encrypted with the integration's secrets). */
export interface AmocrmTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** sha256 of the authorization code the chain started from (a PATCH with the same code does not exchange again). */
  code: string;
}

export function authCodeFingerprint(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** Reads a stored pair (anything else → null). */
export function readTokens(value: unknown): AmocrmTokens | null {
  const v = value as Partial<AmocrmTokens> | null;
  if (!v || typeof v !== 'object') return null;
  if (typeof v.accessToken !== 'string' || typeof v.refreshToken !== 'string' || typeof v.expiresAt !== 'number' || typeof v.code !== 'string') return null;
  return { accessToken: v.accessToken, refreshToken: v.refreshToken, expiresAt: v.expiresAt, code: v.code };
}

/** A successful answer: the parsed body, or null for 204 (amoCRM's "nothing found", an empty body — never JSON). */
export type AmocrmAnswer<T> = T | null;

/**
 * amoCRM API v4 over CrmHttpClient (SSRF policy, deadlines). Success is hal+json (204 = empty); errors are
 * problem+json → AmocrmApiError; transport failures stay CrmTransportError / CrmUrlRefusedError.
 */
export class AmocrmClient {
  constructor(
    readonly http: CrmHttpClient,
    private readonly timeoutMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async call<T>(base: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<AmocrmAnswer<T>> {
    const response = await this.http.request({
      method,
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: this.timeoutMs,
    });
    if (response.status === 204) return null;
    if (response.status >= 200 && response.status < 300 && response.json !== undefined) return response.json as T;
    throw apiError(response.status, response.json, response.text, response.headers['retry-after']);
  }

  /** `authorization_code` → a new pair. A refused code → AmocrmGrantRejectedError. */
  exchangeCode(base: string, client: AmocrmOAuthClient, code: string): Promise<AmocrmTokens> {
    return this.grant(base, client, 'authorization_code', { code }, authCodeFingerprint(code));
  }

  /** `refresh_token` → the rotated pair (the old refresh token is used up by this call). */
  refresh(base: string, client: AmocrmOAuthClient, tokens: AmocrmTokens): Promise<AmocrmTokens> {
    return this.grant(base, client, 'refresh_token', { refresh_token: tokens.refreshToken }, tokens.code);
  }

  private async grant(base: string, client: AmocrmOAuthClient, grantType: 'authorization_code' | 'refresh_token', extra: Record<string, string>, code: string): Promise<AmocrmTokens> {
    const response = await this.http.request({
      method: 'POST',
      url: `${base}/oauth2/access_token`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: client.clientId, client_secret: client.clientSecret, grant_type: grantType, redirect_uri: client.redirectUri, ...extra }),
      timeoutMs: this.timeoutMs,
    });
    const body = (response.json ?? {}) as Record<string, unknown>;
    if (response.status === 200 && typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
      const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 86_400;
      return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: this.clock() + expiresIn * 1000, code };
    }
    const error = apiError(response.status, response.json, response.text);
    if (response.status === 400 || response.status === 401 || response.status === 403) throw new AmocrmGrantRejectedError(grantType, response.status, error.detail);
    throw error;
  }
}

export { AmocrmApiError };
