// @crm/crm-amocrm — the amoCRM adapter of the CRM port (@crm/crm-port): API v4 client (hal+json / problem+json, 204 =
// nothing found), OAuth pairs with single-use rotating refresh tokens behind a locked token store, step planning
// (contact search → complex lead → common notes), pipeline/stage choice, the live check.
export { AmocrmAccess, HeldTokenStore, REFRESH_MARGIN_MS, type AmocrmAuth, type AmocrmConnection } from './amocrm-access';
export {
  amocrmBaseUrl,
  AmocrmClient,
  authCodeFingerprint,
  DEFAULT_AMOCRM_BASE_URL,
  readTokens,
  type AmocrmAnswer,
  type AmocrmOAuthClient,
  type AmocrmTokens,
} from './amocrm-client';
export {
  AMOCRM_AUTH_CODE_INVALID,
  AMOCRM_TOKEN_INVALID,
  AMOCRM_VALIDATION_FAILED,
  AmocrmApiError,
  AmocrmGrantRejectedError,
  type AmocrmValidationError,
} from './amocrm-errors';
export { AMOCRM_TAG, leadName, phoneQuery, samePhone } from './amocrm-fields';
export { chooseStage, parsePipelines, type AmocrmPipeline, type StageChoice } from './amocrm-pipelines';
export { AMOCRM_BATCH_LIMIT, planAmocrmAction, type AmocrmAction } from './amocrm-plan';
export { PgAmocrmTokenStore, type AmocrmIntegrationRef, type AmocrmTokenStore, type SqlQueryable, type SqlTransactor } from './amocrm-token-store';
export { AMOCRM_ACCESS_DENIED, AMOCRM_RATE_LIMIT, AmocrmCrmAdapter, checkOutcome, requestSignal } from './amocrm.crm-adapter';
export { createAmocrmAdapter, type AmocrmAdapterOptions } from './create-amocrm-adapter';
