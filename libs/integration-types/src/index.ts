// @crm/integration-types — the IntegrationVerifier port (one verifier per CRM: Bitrix24, amoCRM) and its registry.
export { AmocrmSettings, AmocrmVerifier } from './amocrm.verifier';
export { BITRIX24_WEBHOOK_URL_PATTERN, Bitrix24Settings, Bitrix24Verifier } from './bitrix24.verifier';
export { INTEGRATION_VERIFIERS, type IntegrationCheck, type IntegrationType, type IntegrationVerifier, type LearnedSettings, type VerifyContext } from './integration-verifier.port';
export { IntegrationVerifierRegistry } from './integration-verifier.registry';
