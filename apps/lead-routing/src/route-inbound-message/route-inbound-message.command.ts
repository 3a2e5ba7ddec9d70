import type { InboundMessageData } from '@crm/contracts';

/** Route one normalized inbound event (DESIGN §6/§7): the envelope's tenant and channel, and its data. */
export class RouteInboundMessageCommand {
  constructor(
    /** Envelope id (for logs and correlation). */
    readonly eventId: string,
    readonly accountId: string,
    readonly channelId: string,
    readonly data: InboundMessageData,
  ) {}
}
