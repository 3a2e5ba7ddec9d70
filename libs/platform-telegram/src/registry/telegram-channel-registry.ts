import type { ChannelConfigData, ChannelStatus } from '@crm/contracts';

/** What the connector knows about one Telegram channel (from channels.config.v1, secrets decrypted in memory only). */
export interface TelegramChannelState {
  channelId: string;
  accountId: string;
  name: string;
  status: ChannelStatus;
  revision: number;
  botToken: string;
  /** The secret_token Telegram must echo on every webhook call. */
  webhookSecret: string;
}

/** The decrypted credentials of a channel config record. Throws when they cannot be read (wrong key, no token). */
export type TelegramSecretsResolver = (config: ChannelConfigData) => { botToken: string; webhookSecret: string };

/** One channel's state before and after a config record (undefined = not known / deleted). */
export interface RegistryChange {
  channelId: string;
  before?: TelegramChannelState;
  after?: TelegramChannelState;
}

/**
 * channelId → state of every Telegram channel, rebuilt from the compacted channels.config.v1 and kept current.
 * Records of other channel types are ignored; a tombstone removes the channel; a record older than the one applied
 * (lower revision) is ignored, so replays and reordering after a rebalance never roll a channel back.
 */
export class TelegramChannelRegistry {
  private readonly channels = new Map<string, TelegramChannelState>();

  constructor(private readonly resolveSecrets: TelegramSecretsResolver) {}

  /** Applies one record (null = tombstone). Returns the change, or null when nothing changed. */
  apply(channelId: string, config: ChannelConfigData | null): RegistryChange | null {
    const before = this.channels.get(channelId);
    if (config === null) {
      if (!before) return null;
      this.channels.delete(channelId);
      return { channelId, before };
    }
    if (config.type !== 'telegram' || config.channelId !== channelId) return null;
    if (before && config.revision < before.revision) return null;
    const { botToken, webhookSecret } = this.resolveSecrets(config);
    const after: TelegramChannelState = {
      channelId,
      accountId: config.accountId,
      name: config.name,
      status: config.status,
      revision: config.revision,
      botToken,
      webhookSecret,
    };
    this.channels.set(channelId, after);
    if (before && sameState(before, after)) return null;
    return before ? { channelId, before, after } : { channelId, after };
  }

  get(channelId: string): TelegramChannelState | undefined {
    return this.channels.get(channelId);
  }

  /** The channel if it is active (receives updates, sends replies). */
  active(channelId: string): TelegramChannelState | undefined {
    const channel = this.channels.get(channelId);
    return channel?.status === 'active' ? channel : undefined;
  }

  all(): TelegramChannelState[] {
    return [...this.channels.values()];
  }

  get size(): number {
    return this.channels.size;
  }
}

function sameState(a: TelegramChannelState, b: TelegramChannelState): boolean {
  return a.status === b.status && a.botToken === b.botToken && a.webhookSecret === b.webhookSecret && a.accountId === b.accountId && a.name === b.name;
}

/** What a change means for the bot's webhook (or its long-polling loop): stop the old, start the new, or both. */
export interface WebhookActions {
  /** Remove the webhook (stop polling) with this state's token. */
  remove?: TelegramChannelState;
  /** Register the webhook (start polling) with this state's token and secret. */
  register?: TelegramChannelState;
}

export function webhookActions(change: RegistryChange): WebhookActions {
  const { before, after } = change;
  const wasLive = before?.status === 'active';
  const isLive = after?.status === 'active';
  const tokenChanged = before !== undefined && after !== undefined && before.botToken !== after.botToken;
  const secretChanged = before !== undefined && after !== undefined && before.webhookSecret !== after.webhookSecret;
  const actions: WebhookActions = {};
  if (wasLive && (!isLive || tokenChanged)) actions.remove = before;
  if (isLive && (!wasLive || tokenChanged || secretChanged)) actions.register = after;
  return actions;
}
