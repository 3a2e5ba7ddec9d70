/** A channel's routing rules (wizard step 2, DESIGN §1/§7) as lead-routing applies them. */
export interface RoutingSettings {
  /** Create a lead when a conversation starts. */
  createLeadOnFirstMessage: boolean;
  /** Link the client's open lead instead of creating one. */
  findExistingLead: boolean;
  /** Create a client from the sender's data when none is found. */
  createClientOnFirstMessage: boolean;
  /** Find an existing client by the sender's phone or username. */
  autoMatchClient: boolean;
  /** The channel's funnel; null means new leads are unsorted (no funnel). */
  funnelId: string | null;
  /** The stage new leads start in: the channel's stage, else the funnel's first stage; null without a funnel. */
  stageId: string | null;
}
