import { decryptJson, encryptJson, type SecretKeys } from '@crm/secrets';
import { readTokens, type AmocrmTokens } from './amocrm-client';

/** Which integration (tenant-scoped). */
export interface AmocrmIntegrationRef {
  integrationId: string;
  accountId: string;
}

/**
 * Where an integration's OAuth pair lives, with the lock that makes its rotation safe: `withLockedTokens` runs `fn`
 * while holding the integration's token lock (across every instance and the api), gives it the pair stored now, and
 * stores the pair `fn` returns in the same transaction — so a consumed refresh token and its successor are never
 * apart. `fn` may call amoCRM.
 */
export interface AmocrmTokenStore {
  withLockedTokens<T>(ref: AmocrmIntegrationRef, fn: (stored: AmocrmTokens | null) => Promise<{ store?: AmocrmTokens; result: T }>): Promise<T>;
}

/** The part of a SQL connection the store needs (TypeORM's DataSource / EntityManager fit it). */
export interface SqlQueryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export interface SqlTransactor {
  transaction<T>(fn: (manager: SqlQueryable) => Promise<T>): Promise<T>;
}

/** The token lock is waited for at most this long (an api PATCH holds the row while it asks amoCRM). */
const LOCK_TIMEOUT = '5s';

/**
 * The pair kept in `integrations.secrets_encrypted` (key `oauth`, AES-256-GCM with SECRETS_KEY, next to the
 * credentials the user gave), the lock = the integration row (SELECT … FOR UPDATE): the same row the api's PATCH
 * locks, so a re-authorization and a refresh never interleave. `updated_at` is left alone (a token refresh is not a
 * change of the integration).
 */
export class PgAmocrmTokenStore implements AmocrmTokenStore {
  constructor(
    private readonly db: SqlTransactor,
    private readonly secretsKey: SecretKeys,
  ) {}

  withLockedTokens<T>(ref: AmocrmIntegrationRef, fn: (stored: AmocrmTokens | null) => Promise<{ store?: AmocrmTokens; result: T }>): Promise<T> {
    return this.db.transaction(async (m) => {
      await m.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const [row] = (await m.query(
        `SELECT secrets_encrypted FROM integrations WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL FOR UPDATE`,
        [ref.integrationId, ref.accountId],
      )) as Array<{ secrets_encrypted: string | null }>;
      if (!row) throw new Error(`integration ${ref.integrationId} is gone`);
      const secrets = row.secrets_encrypted ? decryptJson<Record<string, unknown>>(row.secrets_encrypted, this.secretsKey) : {};
      const { store, result } = await fn(readTokens(secrets.oauth));
      if (store) {
        await m.query(`UPDATE integrations SET secrets_encrypted = $3 WHERE id = $1 AND account_id = $2`, [
          ref.integrationId,
          ref.accountId,
          encryptJson({ ...secrets, oauth: store }, this.secretsKey),
        ]);
      }
      return result;
    });
  }
}
