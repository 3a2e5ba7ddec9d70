/** CRM systems the account can forward clients, leads and messages to (DESIGN §4). */
export type IntegrationType = 'bitrix24' | 'amocrm';

/**
 * DI token of the integration verifiers (a multi-provider: one verifier per CRM type, collected into an array).
 * Resolved through IntegrationVerifierRegistry — nothing switches on the CRM type.
 */
export const INTEGRATION_VERIFIERS = Symbol('INTEGRATION_VERIFIERS');

/**
 * Result of checking an integration's settings. A rejection is not a result: the verifier throws a DomainError
 * (INTEGRATION_SETTINGS_INVALID) and nothing is saved.
 */
export type IntegrationCheck =
  | { outcome: 'valid'; learned?: LearnedSettings }
  /** The CRM could not be asked: save with status error, retry later. */
  | { outcome: 'unavailable'; detail: string; learned?: LearnedSettings };

/**
 * What the check obtained from the CRM and must be stored with the integration (amoCRM: the OAuth pair the code was
 * exchanged for, a secret; the pipeline/stage leads go to, public).
 */
export interface LearnedSettings {
  secrets?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

/** What a check knows besides the settings: the credentials stored so far (decrypted; on PATCH only). */
export interface VerifyContext {
  stored?: Record<string, unknown>;
}

/**
 * The port one CRM implements. Today every verifier checks the format only; the live check (a cheap authenticated
 * call to the CRM) is added inside `verify` of that CRM's verifier, with no change anywhere else.
 */
export interface IntegrationVerifier<S extends object = object> {
  readonly type: IntegrationType;
  /**
   * Whether forwarding to this CRM works. Creating an integration of an unavailable type answers 422
   * INTEGRATION_TYPE_UNAVAILABLE; the CRM's own issue flips this, one line.
   */
  readonly available: boolean;
  /** class-validator class of the settings (whitelist + forbidNonWhitelisted). */
  readonly settingsClass: new () => S;
  /** Keys that are credentials: encrypted at rest, never returned unmasked. */
  readonly secretKeys: readonly string[];
  /** Non-secret facts derived from the settings (e.g. the Bitrix24 portal host), kept next to them. */
  derivedSettings?(settings: S): Record<string, unknown>;
  /** What a response shows instead of a secret (default: maskSecret). */
  mask?(key: string, value: string): string;
  /** PATCH merge of settings when a CRM has mutually exclusive keys (default: key-wise merge, null removes). */
  mergeSettings?(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown>;
  verify(settings: S, context?: VerifyContext): Promise<IntegrationCheck>;
}
