import { AmocrmVerifier, Bitrix24Verifier, type IntegrationVerifier } from '@crm/integration-types';
import type { ApiConfig } from '../config/api.config';

/** The registration of every CRM (INTEGRATION_VERIFIERS): a new CRM = its verifier + one line here. */
export const INTEGRATION_VERIFIER_FACTORIES: ReadonlyArray<(config: ApiConfig) => IntegrationVerifier<any>> = [
  () => new Bitrix24Verifier(),
  () => new AmocrmVerifier(),
];
