import { Injectable } from '@nestjs/common';
import type { ChannelSecrets, ChannelStatePort, ConnectorChannel } from '@crm/connector-kit';
import { resolveTelegramChannel, type TelegramChannelState } from '@crm/platform-telegram';

/** ChannelStatePort: a channels.config.v1 record → bot token and webhook secret_token (libs/platform-telegram). */
@Injectable()
export class TelegramChannelStateAdapter implements ChannelStatePort<TelegramChannelState> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets): TelegramChannelState {
    return resolveTelegramChannel(base, secrets);
  }
}
