import type { RoutingSettings } from './routing-settings';

/** Which DESIGN §7.2 rule gave the dialog its client. */
export type ClientMatchReason = 'identity' | 'phone' | 'username' | 'created';

/** What the lookups found for the sender (null = nothing). */
export interface ClientCandidates {
  /** The client already linked to the identity (channel, external user). */
  identityClientId: string | null;
  /**
   * A client of the account whose phone is verified and equals the sender's *verified* phone (null when the sender's
   * phone is unverified: a typed phone never links the sender to someone else's client, DESIGN §7.2).
   */
  phoneClientId: string | null;
  /** A client of the account with the sender's username on the same channel type. */
  usernameClientId: string | null;
}

export type ClientDecision =
  | {
      action: 'link';
      clientId: string;
      rule: Exclude<ClientMatchReason, 'created'>;
      /** The identity (channel, user) is new and must be recorded with `rule` as its match reason. */
      recordIdentity: boolean;
    }
  | { action: 'create'; rule: 'created' }
  | { action: 'none' };

/**
 * DESIGN §7.2, for a dialog that has no client yet: the identity's client wins; else, with autoMatchClient, a client
 * with the same phone, then one with the same username; else, with createClientOnFirstMessage, a new client; else none.
 */
export function decideClient(
  settings: Pick<RoutingSettings, 'autoMatchClient' | 'createClientOnFirstMessage'>,
  candidates: ClientCandidates,
): ClientDecision {
  if (candidates.identityClientId) {
    return { action: 'link', clientId: candidates.identityClientId, rule: 'identity', recordIdentity: false };
  }
  if (settings.autoMatchClient && candidates.phoneClientId) {
    return { action: 'link', clientId: candidates.phoneClientId, rule: 'phone', recordIdentity: true };
  }
  if (settings.autoMatchClient && candidates.usernameClientId) {
    return { action: 'link', clientId: candidates.usernameClientId, rule: 'username', recordIdentity: true };
  }
  if (settings.createClientOnFirstMessage) return { action: 'create', rule: 'created' };
  return { action: 'none' };
}
