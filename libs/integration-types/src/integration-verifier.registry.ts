import { DomainError, ErrorCode } from '@crm/domain';
import type { IntegrationVerifier } from './integration-verifier.port';

/** How a CRM is called in messages (the same in Russian and English). */
const CRM_TITLES: Record<string, string> = { bitrix24: 'Bitrix24', amocrm: 'amoCRM' };

/** The verifiers registered for INTEGRATION_VERIFIERS, by CRM type. */
export class IntegrationVerifierRegistry {
  private readonly byType = new Map<string, IntegrationVerifier>();

  constructor(verifiers: readonly IntegrationVerifier[]) {
    for (const verifier of verifiers) {
      if (this.byType.has(verifier.type)) throw new Error(`two integration verifiers registered for "${verifier.type}"`);
      this.byType.set(verifier.type, verifier);
    }
  }

  get(type: string): IntegrationVerifier<Record<string, unknown>> {
    const verifier = this.byType.get(type);
    if (!verifier) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'type', constraints: [`type must be one of: ${this.types().join(', ')}`] }]);
    }
    return verifier as unknown as IntegrationVerifier<Record<string, unknown>>;
  }

  /** The verifier of `type` if integrations of it may be created now; else 422 INTEGRATION_TYPE_UNAVAILABLE. */
  requireAvailable(type: string): IntegrationVerifier<Record<string, unknown>> {
    const verifier = this.get(type);
    if (!verifier.available) {
      throw new DomainError(ErrorCode.INTEGRATION_TYPE_UNAVAILABLE, { type: CRM_TITLES[verifier.type] ?? verifier.type }, [
        { path: 'type', constraints: [`forwarding to "${type}" does not exist yet`] },
      ]);
    }
    return verifier;
  }

  types(): string[] {
    return [...this.byType.keys()];
  }
}
