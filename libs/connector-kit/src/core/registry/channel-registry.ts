import type { ChannelConfigData, ChannelType } from '@crm/contracts';
import type { ChannelChange, ConnectorChannel } from '../../ports/channel-state.port';

/** Builds a channel's state from its record (secrets decrypted); throws when the record is unusable. */
export type ChannelStateBuilder<S extends ConnectorChannel> = (record: ChannelConfigData) => S;

/**
 * channelId → state of every channel of ONE type, rebuilt from the compacted channels.config.v1 and kept current.
 * Records of other types are ignored; a tombstone removes the channel; a record older than the one applied (lower
 * revision) is ignored, so replays and reordering after a rebalance never roll a channel back. Pure.
 */
export class ChannelStateRegistry<S extends ConnectorChannel> {
  private readonly channels = new Map<string, S>();

  constructor(
    readonly channelType: ChannelType,
    private readonly build: ChannelStateBuilder<S>,
  ) {}

  /** Applies one record (null = tombstone). Returns the change, or null when nothing changed. Throws what build throws. */
  apply(channelId: string, record: ChannelConfigData | null): ChannelChange<S> | null {
    const before = this.channels.get(channelId);
    if (record === null) {
      if (!before) return null;
      this.channels.delete(channelId);
      return { channelId, before };
    }
    if (record.type !== this.channelType || record.channelId !== channelId) return null;
    if (before && record.revision < before.revision) return null;
    const after = this.build(record);
    this.channels.set(channelId, after);
    if (before && sameState(before, after)) return null;
    return before ? { channelId, before, after } : { channelId, after };
  }

  get(channelId: string): S | undefined {
    return this.channels.get(channelId);
  }

  /** The channel if it is active (receives calls, sends replies). */
  active(channelId: string): S | undefined {
    const channel = this.channels.get(channelId);
    return channel?.status === 'active' ? channel : undefined;
  }

  all(): S[] {
    return [...this.channels.values()];
  }

  get size(): number {
    return this.channels.size;
  }
}

/** Equal apart from the revision (a re-published record that changes nothing is no change). */
function sameState(a: ConnectorChannel, b: ConnectorChannel): boolean {
  const { revision: _a, ...restA } = a;
  const { revision: _b, ...restB } = b;
  return stableJson(restA) === stableJson(restB);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/** What a change means for the platform connection (webhook, subscription): stop the old, start the new, or both. */
export interface ConnectionActions<S> {
  disconnect?: S;
  connect?: S;
}

/** `key` = what a connection depends on (token, secret…); a change of it while active reconnects. */
export function connectionActions<S extends ConnectorChannel>(change: ChannelChange<S>, key: (s: S) => string): ConnectionActions<S> {
  const { before, after } = change;
  const wasLive = before?.status === 'active';
  const isLive = after?.status === 'active';
  const keyChanged = before !== undefined && after !== undefined && key(before) !== key(after);
  const actions: ConnectionActions<S> = {};
  if (wasLive && (!isLive || keyChanged)) actions.disconnect = before;
  if (isLive && (!wasLive || keyChanged)) actions.connect = after;
  return actions;
}
