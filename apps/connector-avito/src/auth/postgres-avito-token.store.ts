import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AvitoTokenKey, AvitoTokenStore, StoredAvitoToken } from '@crm/platform-avito';
import { decryptSecret, encryptSecret, secretKeyringFromEnv, type SecretKeyring } from '@crm/secrets';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorAvitoConfig } from '../config/connector-avito.config';

interface TokenRow {
  client_id: string;
  token_ciphertext: string;
  expires_at: Date;
}

/**
 * AvitoTokenStore on Postgres (table avito_access_tokens): one token per channel shared by every connector
 * instance, encrypted with the write key of SECRETS_KEYS / SECRETS_KEY. A refresh runs inside a transaction holding the channel's advisory lock, so
 * instances that all see an expired token queue up: the first requests a new one, the others find it stored.
 */
@Injectable()
export class PostgresAvitoTokenStore implements AvitoTokenStore {
  private readonly key: SecretKeyring;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: ConnectorAvitoConfig,
  ) {
    this.key = secretKeyringFromEnv(config);
  }

  async read(key: AvitoTokenKey): Promise<StoredAvitoToken | null> {
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT client_id, token_ciphertext, expires_at FROM avito_access_tokens WHERE account_id = $1 AND channel_id = $2`,
      [key.accountId, key.channelId],
    );
    return rows.length > 0 ? this.decode(rows[0]) : null;
  }

  refresh(key: AvitoTokenKey, usable: (stored: StoredAvitoToken | null) => boolean, issue: () => Promise<StoredAvitoToken>): Promise<StoredAvitoToken> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`avito-token:${key.channelId}`]);
      const rows: TokenRow[] = await m.query(
        `SELECT client_id, token_ciphertext, expires_at FROM avito_access_tokens WHERE account_id = $1 AND channel_id = $2`,
        [key.accountId, key.channelId],
      );
      const stored = rows.length > 0 ? this.decode(rows[0]) : null;
      if (stored && usable(stored)) return stored;
      const fresh = await issue();
      await m.query(
        `INSERT INTO avito_access_tokens (channel_id, account_id, client_id, token_ciphertext, expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (channel_id) DO UPDATE
           SET client_id = EXCLUDED.client_id, token_ciphertext = EXCLUDED.token_ciphertext, expires_at = EXCLUDED.expires_at, updated_at = now()
           WHERE avito_access_tokens.account_id = EXCLUDED.account_id`,
        [key.channelId, key.accountId, fresh.clientId, encryptSecret(fresh.accessToken, this.key), fresh.expiresAt],
      );
      return fresh;
    });
  }

  async remove(key: AvitoTokenKey): Promise<void> {
    await this.dataSource.query(`DELETE FROM avito_access_tokens WHERE account_id = $1 AND channel_id = $2`, [key.accountId, key.channelId]);
  }

  private decode(row: TokenRow): StoredAvitoToken {
    return { accessToken: decryptSecret(row.token_ciphertext, this.key), expiresAt: new Date(row.expires_at), clientId: row.client_id };
  }
}
