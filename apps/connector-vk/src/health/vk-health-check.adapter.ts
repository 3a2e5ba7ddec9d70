import { Injectable } from '@nestjs/common';
import type { ChannelHealth, HealthCheckPort } from '@crm/connector-kit';
import { assessVkFailure, VkApiClient, VkHealthCause, type VkChannelState } from '@crm/platform-vk';

/** HealthCheckPort: the community token still works (groups.getById) and is still the channel's community's. */
@Injectable()
export class VkHealthCheckAdapter implements HealthCheckPort<VkChannelState> {
  constructor(private readonly api: VkApiClient) {}

  async check(channel: VkChannelState): Promise<ChannelHealth> {
    const groups = await this.api.getGroupById(channel.accessToken);
    if (!groups.ok) return assessVkFailure(groups.failure);
    if (groups.value[0]?.id !== channel.groupId) {
      return { status: 'needs-reauth', causeCode: VkHealthCause.GroupMismatch, message: `the token belongs to community ${groups.value[0]?.id ?? 'none'}, not ${channel.groupId}` };
    }
    return { status: 'active' };
  }
}
