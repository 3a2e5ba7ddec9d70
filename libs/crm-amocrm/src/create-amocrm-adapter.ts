import type { CrmHttpClient } from '@crm/crm-port';
import { toSecretKeyring, type SecretKeys } from '@crm/secrets';
import { AmocrmAccess } from './amocrm-access';
import { AmocrmClient } from './amocrm-client';
import { PgAmocrmTokenStore, type SqlTransactor } from './amocrm-token-store';
import { AmocrmCrmAdapter } from './amocrm.crm-adapter';

export interface AmocrmAdapterOptions {
  http: CrmHttpClient;
  /** The service's database (its `integrations` rows hold the encrypted pairs and are the refresh lock). */
  db: SqlTransactor;
  /** The service's keyring (secretKeyringFromEnv), a raw key, or a base64 SECRETS_KEY. */
  secretsKey: SecretKeys | string;
  /** AMOCRM_BASE_URL, e.g. `https://{subdomain}.amocrm.ru`. */
  baseUrl: string;
  timeoutMs: number;
}

/** The adapter the integrations service registers: tokens in Postgres, refreshed under the integration's row lock. */
export function createAmocrmAdapter(options: AmocrmAdapterOptions): AmocrmCrmAdapter {
  const client = new AmocrmClient(options.http, options.timeoutMs);
  const store = new PgAmocrmTokenStore(options.db, toSecretKeyring(options.secretsKey));
  return new AmocrmCrmAdapter(new AmocrmAccess(client, store), options.baseUrl);
}
