import { DomainError, ErrorCode } from '@crm/domain';
import type { IntegrationVerifier } from './integration-verifier.port';

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

  types(): string[] {
    return [...this.byType.keys()];
  }
}
