/** One client.erased event (ids only): the client is gone; `leadId` is its lead in `dialogId`, when it had one. */
export class ForwardClientErasedCommand {
  constructor(
    /** The envelope id: the note's marker, so a redelivery finds the note instead of adding a second. */
    readonly eventId: string,
    readonly accountId: string,
    readonly dialogId: string,
    readonly clientId: string,
    readonly leadId: string | null,
  ) {}
}
