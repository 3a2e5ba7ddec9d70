/** One client.merged event (ids only): `mergedClientId` went into `clientId`; `leadId` is a lead of the survivor. */
export class ForwardClientMergedCommand {
  constructor(
    /** The envelope id: the note's marker, so a redelivery finds the note instead of adding a second. */
    readonly eventId: string,
    readonly accountId: string,
    readonly clientId: string,
    readonly mergedClientId: string,
    readonly leadId: string | null,
  ) {}
}
