import { DomainError, ErrorCode } from '@crm/domain';
import type { ChannelTypeAdapter, ChannelTypeDescriptor } from './channel-type.port';

/** The adapters registered for CHANNEL_TYPE_ADAPTERS, by type. */
export class ChannelTypeRegistry {
  private readonly byType = new Map<string, ChannelTypeAdapter>();

  constructor(adapters: readonly ChannelTypeAdapter[]) {
    for (const adapter of adapters) {
      if (this.byType.has(adapter.type)) throw new Error(`two channel-type adapters registered for "${adapter.type}"`);
      this.byType.set(adapter.type, adapter);
    }
  }

  /** The adapter of `type`; CHANNEL_TYPE_UNSUPPORTED when none is registered. */
  get(type: string): ChannelTypeAdapter<Record<string, unknown>> {
    const adapter = this.byType.get(type);
    if (!adapter) throw new DomainError(ErrorCode.CHANNEL_TYPE_UNSUPPORTED, {}, [{ path: 'type', constraints: [`unknown channel type "${type}"`] }]);
    return adapter as unknown as ChannelTypeAdapter<Record<string, unknown>>;
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  descriptors(): ChannelTypeDescriptor[] {
    return [...this.byType.values()].map((a) => a.descriptor);
  }
}
