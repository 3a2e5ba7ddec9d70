import type { VkCallback, VkChannelState } from '@crm/platform-vk';

/** One authentic Callback API call of a channel. */
export interface ReceiveCallbackCommand {
  channel: VkChannelState;
  body: VkCallback & { type: string };
  /** X-Retry-Counter: how many times VK re-sent it (0 on the first delivery). */
  retryCounter: number;
  /** When the call arrived (a permission change is dated with it). */
  receivedAt: Date;
  correlationId?: string;
}
