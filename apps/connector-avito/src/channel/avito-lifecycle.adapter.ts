import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ChannelHealth, ChannelLifecyclePort, DisconnectReason } from '@crm/connector-kit';
import { assessAvitoFailure, AvitoApiClient, avitoConnectionKey, avitoWebhookUrl, type AvitoChannelState } from '@crm/platform-avito';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import { AvitoSessions } from '../auth/avito-sessions.service';
import { PostgresAvitoTokenStore } from '../auth/postgres-avito-token.store';
import { ChatFactsCache } from '../chat-facts/chat-facts.cache';
import type { ConnectorAvitoConfig } from '../config/connector-avito.config';

/**
 * ChannelLifecyclePort: an active channel subscribes `PUBLIC_URL/webhooks/avito/:channelId/:hookSecret`
 * (POST /messenger/v3/webhook); deactivating or deleting it unsubscribes (best effort: revoked credentials cannot
 * undo anything, and later calls to the URL answer 404 anyway). A change of credentials or secret re-subscribes.
 */
@Injectable()
export class AvitoLifecycleAdapter implements ChannelLifecyclePort<AvitoChannelState> {
  private readonly publicUrl: string;

  constructor(
    private readonly api: AvitoApiClient,
    private readonly sessions: AvitoSessions,
    private readonly store: PostgresAvitoTokenStore,
    private readonly chats: ChatFactsCache,
    @Inject(SERVICE_CONFIG) config: ConnectorAvitoConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.publicUrl = config.PUBLIC_URL;
  }

  connectionKey(channel: AvitoChannelState): string {
    return avitoConnectionKey(channel);
  }

  /** The webhook URL of a channel (contains its secret: never logged). */
  webhookUrl(channel: AvitoChannelState): string {
    return avitoWebhookUrl(this.publicUrl, channel.channelId, channel.hookSecret);
  }

  async connect(channel: AvitoChannelState): Promise<ChannelHealth> {
    const result = await this.sessions.call(channel, (token) => this.api.subscribe(token, this.webhookUrl(channel)));
    if (result.ok) {
      this.logger.info({ channelId: channel.channelId }, 'avito webhook subscribed');
      return { status: 'active' };
    }
    const health = assessAvitoFailure(result.failure);
    this.logger.warn({ channelId: channel.channelId, cause: health.causeCode, detail: health.message }, 'avito webhook could not be subscribed');
    return health;
  }

  async disconnect(channel: AvitoChannelState, reason: DisconnectReason): Promise<void> {
    try {
      const result = await this.sessions.call(channel, (token) => this.api.unsubscribe(token, this.webhookUrl(channel)));
      if (result.ok) this.logger.info({ channelId: channel.channelId, reason }, 'avito webhook unsubscribed');
      else this.logger.warn({ channelId: channel.channelId, reason, detail: assessAvitoFailure(result.failure).message }, 'avito webhook could not be unsubscribed');
    } finally {
      this.sessions.forget(channel);
      this.chats.forgetChannel(channel.channelId);
      if (reason === 'deleted') await this.store.remove({ channelId: channel.channelId, accountId: channel.accountId }).catch(() => undefined);
    }
  }
}
