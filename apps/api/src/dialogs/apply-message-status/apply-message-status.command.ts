import type { MessageStatusData } from '@crm/contracts';

/** A connector's delivery report for one of our outbound messages (channels.status.v1, `message.status`). */
export class ApplyMessageStatusCommand {
  constructor(
    readonly accountId: string,
    readonly channelId: string,
    readonly data: MessageStatusData,
  ) {}
}
