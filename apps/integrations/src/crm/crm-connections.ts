import { Inject, Injectable } from '@nestjs/common';
import { CrmAdapterRegistry, type CrmAdapter } from '@crm/crm-port';
import { decryptJson, secretKeyringFromEnv, type SecretKeyring } from '@crm/secrets';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';

/** An integration row as the worker reads it. */
export interface IntegrationRow {
  type: string;
  settings: Record<string, unknown>;
  secrets_encrypted: string | null;
}

/** The row's ids as the claim (integrationId/accountId) or a plain select (id/account_id) names them. */
interface IntegrationIds {
  integrationId?: string;
  accountId?: string;
  id?: string;
  account_id?: string;
}

export interface OpenConnection {
  adapter: CrmAdapter;
  connection: unknown;
}

/** Turns a stored integration (settings + encrypted credentials) into its adapter and a connection to call with. */
@Injectable()
export class CrmConnections {
  private readonly key: SecretKeyring;

  constructor(
    private readonly registry: CrmAdapterRegistry,
    @Inject(SERVICE_CONFIG) config: IntegrationsConfig,
  ) {
    this.key = secretKeyringFromEnv(config);
  }

  /** CRM types that can be forwarded to. */
  types(): string[] {
    return this.registry.types();
  }

  /** The adapter and connection, or undefined when no adapter exists for the type (its records wait). */
  open(row: IntegrationRow & IntegrationIds): OpenConnection | undefined {
    const adapter = this.registry.find(row.type);
    if (!adapter) return undefined;
    const secrets = row.secrets_encrypted ? decryptJson<Record<string, unknown>>(row.secrets_encrypted, this.key) : {};
    const id = row.integrationId ?? row.id;
    const accountId = row.accountId ?? row.account_id;
    const integration = id && accountId ? { integration: { id, accountId } } : {};
    return { adapter, connection: adapter.connect({ settings: row.settings ?? {}, secrets, ...integration }) };
  }
}
