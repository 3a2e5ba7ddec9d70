/** GET /api/v1/dialogs/:id/messages/:messageId/attachments/:n, for the caller's account. */
export class StreamAttachmentCommand {
  constructor(
    readonly accountId: string,
    readonly dialogId: string,
    readonly messageId: string,
    /** 0-based position in the message's attachments. */
    readonly index: number,
  ) {}
}
