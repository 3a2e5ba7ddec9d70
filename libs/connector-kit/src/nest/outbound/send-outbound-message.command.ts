import type { OutboundMessageData } from '@crm/contracts';

/** One send command from channels.outbound.v1 (an agent's reply), with the tenant and channel of its envelope. */
export interface SendOutboundMessageCommand {
  accountId: string;
  channelId: string;
  message: OutboundMessageData;
  correlationId?: string;
}
