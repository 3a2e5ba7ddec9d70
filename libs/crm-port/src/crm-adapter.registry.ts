import type { CrmAdapter } from './crm-adapter.port';

/** The adapters registered for CRM_ADAPTERS, by integration type. */
export class CrmAdapterRegistry {
  private readonly byType = new Map<string, CrmAdapter>();

  constructor(adapters: readonly CrmAdapter[]) {
    for (const adapter of adapters) {
      if (this.byType.has(adapter.type)) throw new Error(`two CRM adapters registered for "${adapter.type}"`);
      this.byType.set(adapter.type, adapter);
    }
  }

  /** The adapter of `type`, or undefined when no forwarding exists for it (its records wait). */
  find(type: string): CrmAdapter | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }
}
