import { AmocrmVerifier, Bitrix24Verifier, type IntegrationVerifier } from '@crm/integration-types';
import type { ApiConfig } from '../config/api.config';

/** The registration of every CRM (INTEGRATION_VERIFIERS): a new CRM = its verifier + one line here. */
export const INTEGRATION_VERIFIER_FACTORIES: ReadonlyArray<(config: ApiConfig) => IntegrationVerifier<any>> = [
  (config) => new Bitrix24Verifier({ allowLoopbackUrls: config.CRM_ALLOW_LOOPBACK_URLS, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS }),
  (config) => new AmocrmVerifier({ allowLoopbackUrls: config.CRM_ALLOW_LOOPBACK_URLS, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS, baseUrl: config.AMOCRM_BASE_URL }),
];
