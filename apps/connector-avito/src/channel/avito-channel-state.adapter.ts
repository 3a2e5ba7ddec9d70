import { Injectable } from '@nestjs/common';
import type { ChannelSecrets, ChannelStatePort, ConnectorChannel } from '@crm/connector-kit';
import { resolveAvitoChannel, type AvitoChannelState } from '@crm/platform-avito';

/** ChannelStatePort: a channels.config.v1 record → client credentials, hook secret and user_id (libs/platform-avito). */
@Injectable()
export class AvitoChannelStateAdapter implements ChannelStatePort<AvitoChannelState> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets): AvitoChannelState {
    return resolveAvitoChannel(base, secrets);
  }
}
