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

  /** The adapter of `type` if channels of it may be created or activated now; else 422 CHANNEL_TYPE_UNAVAILABLE. */
  requireAvailable(type: string): ChannelTypeAdapter<Record<string, unknown>> {
    const adapter = this.get(type);
    if (!adapter.available) {
      const { ru: titleRu, en: titleEn } = adapter.descriptor.title;
      throw new DomainError(ErrorCode.CHANNEL_TYPE_UNAVAILABLE, { titleRu, titleEn }, [
        { path: 'type', constraints: [`nothing receives messages of "${type}" channels yet`] },
      ]);
    }
    return adapter;
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  descriptors(): ChannelTypeDescriptor[] {
    return [...this.byType.values()].map((a) => a.descriptor);
  }

  /** Every registered type with its descriptor and availability (GET /channel-types). */
  catalog(): Array<{ descriptor: ChannelTypeDescriptor; available: boolean }> {
    return [...this.byType.values()].map((a) => ({ descriptor: a.descriptor, available: a.available }));
  }
}
