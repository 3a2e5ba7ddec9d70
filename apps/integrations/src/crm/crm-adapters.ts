import { Injectable, OnModuleDestroy, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createAmocrmAdapter } from '@crm/crm-amocrm';
import { Bitrix24Client, Bitrix24CrmAdapter } from '@crm/crm-bitrix24';
import { CRM_ADAPTERS, CrmAdapterRegistry, CrmHttpClient, CrmUrlPolicy, type CrmAdapter } from '@crm/crm-port';
import { secretKeyringFromEnv } from '@crm/secrets';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';

/** HTTP to user-given CRM URLs under the SSRF policy (CRM_ALLOW_LOOPBACK_URLS), shared by every adapter. */
@Injectable()
export class CrmHttp extends CrmHttpClient implements OnModuleDestroy {
  onModuleDestroy(): void {
    this.close();
  }
}

/** The registration of every CRM (CRM_ADAPTERS): a new CRM = its adapter library + one line here. */
export const CRM_ADAPTER_FACTORIES: ReadonlyArray<(config: IntegrationsConfig, http: CrmHttpClient, dataSource: DataSource) => CrmAdapter<any>> = [
  (config, http) => new Bitrix24CrmAdapter(new Bitrix24Client(http, config.CRM_HTTP_TIMEOUT_MS)),
  (config, http, dataSource) => createAmocrmAdapter({ http, db: dataSource, secretsKey: secretKeyringFromEnv(config), baseUrl: config.AMOCRM_BASE_URL, timeoutMs: config.CRM_HTTP_TIMEOUT_MS }),
];

export const crmAdapterProviders: Provider[] = [
  {
    provide: CrmHttp,
    inject: [SERVICE_CONFIG],
    useFactory: (config: IntegrationsConfig) => new CrmHttp(new CrmUrlPolicy({ allowLoopback: config.CRM_ALLOW_LOOPBACK_URLS })),
  },
  {
    provide: CRM_ADAPTERS,
    inject: [SERVICE_CONFIG, CrmHttp, DataSource],
    useFactory: (config: IntegrationsConfig, http: CrmHttp, dataSource: DataSource) => CRM_ADAPTER_FACTORIES.map((factory) => factory(config, http, dataSource)),
  },
  { provide: CrmAdapterRegistry, inject: [CRM_ADAPTERS], useFactory: (adapters: CrmAdapter[]) => new CrmAdapterRegistry(adapters) },
];
