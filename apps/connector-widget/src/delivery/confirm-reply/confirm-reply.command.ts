/** An agent reply to a widget visitor, as the send command on channels.outbound.v1 names it. */
export interface ConfirmReplyCommand {
  accountId: string;
  channelId: string;
  messageId: string;
  /** The visitor id. */
  externalChatId: string;
  correlationId?: string;
}
