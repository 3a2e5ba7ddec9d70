import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ChannelHealth, HealthCheckPort } from '@crm/connector-kit';
import { assessAvitoFailure, AvitoApiClient, type AvitoChannelState } from '@crm/platform-avito';
import { LOGGER } from '@crm/service-kit';
import { AvitoSessions } from '../auth/avito-sessions.service';
import { AvitoLifecycleAdapter } from '../channel/avito-lifecycle.adapter';

/**
 * HealthCheckPort: the channel's subscription list (POST /messenger/v1/subscriptions) must hold our webhook URL —
 * when Avito dropped it, the channel is subscribed again. Refused credentials or plan → needs-reauth.
 */
@Injectable()
export class AvitoHealthCheckAdapter implements HealthCheckPort<AvitoChannelState> {
  constructor(
    private readonly api: AvitoApiClient,
    private readonly sessions: AvitoSessions,
    private readonly lifecycle: AvitoLifecycleAdapter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async check(channel: AvitoChannelState): Promise<ChannelHealth> {
    const list = await this.sessions.call(channel, (token) => this.api.listSubscriptions(token));
    if (!list.ok) return assessAvitoFailure(list.failure);
    if (list.value.includes(this.lifecycle.webhookUrl(channel))) return { status: 'active' };
    this.logger.warn({ channelId: channel.channelId }, 'avito subscription list lacks our webhook; subscribing again');
    return this.lifecycle.connect(channel);
  }
}
