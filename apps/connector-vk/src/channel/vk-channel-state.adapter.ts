import { Injectable } from '@nestjs/common';
import type { ChannelSecrets, ChannelStatePort, ConnectorChannel } from '@crm/connector-kit';
import { resolveVkChannel, type VkChannelState } from '@crm/platform-vk';

/** ChannelStatePort: a channels.config.v1 record → community id, token, callback secret, confirmation string. */
@Injectable()
export class VkChannelStateAdapter implements ChannelStatePort<VkChannelState> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets): VkChannelState {
    return resolveVkChannel(base, secrets);
  }
}
