import { leadCandidatesFor, lookupRequestFor, verifiedPhoneTargetsFor, type LookupRequest, type VerifiedPhoneTargets } from './plan-inbound-batch';
import type { ChannelRouting, ClientPhoneSnapshot, DialogSnapshot, MessageSnapshot, PreparedInbound, RoutingLookups } from './routing-model';

/**
 * Where the planner's facts come from: one read per question the rules ask (DESIGN §7), keyed as RoutingLookups is.
 * lead-routing answers it inside its routing transaction (with the advisory locks), the api's routing preview inside
 * a read-only transaction (locking nothing); both through the one Postgres implementation in @crm/routing-data.
 */
export interface RoutingLookupPort {
  /** Serialises writers of the same person / lead (transaction-scoped); a reader that writes nothing may skip it. */
  lock(keys: string[]): Promise<void>;
  /** identityRef → the client linked to the identity (channel, external user). */
  identityClients(request: LookupRequest['identities']): Promise<Map<string, string>>;
  /** phoneRef → the oldest client of the account with that phone verified. */
  phoneClients(request: LookupRequest['phones']): Promise<Map<string, string>>;
  /** usernameRef → the client of the oldest identity with that username on that channel type. */
  usernameClients(request: LookupRequest['usernames']): Promise<Map<string, string>>;
  /** identityRef → the stored phone of each existing identity. */
  identityPhones(request: VerifiedPhoneTargets['identities']): Promise<Map<string, string | null>>;
  /** clientId → its phone and whether it is verified. */
  clientPhones(request: VerifiedPhoneTargets['clients']): Promise<Map<string, ClientPhoneSnapshot>>;
  /** clientId → its most recent open lead. */
  openLeads(clientIds: string[]): Promise<Map<string, string>>;
}

/**
 * The questions a batch asks, in the order routing asks them: lock the senders who may get a client → identities,
 * phones, usernames → the phones a verified phone may join → lock and load the open leads that may be linked.
 * Returns the snapshot planInboundBatch decides on. One connection per transaction: the reads run one after the other.
 */
export async function loadRoutingLookups(
  port: RoutingLookupPort,
  args: {
    items: readonly PreparedInbound[];
    channels: ReadonlyMap<string, ChannelRouting>;
    dialogs: ReadonlyMap<string, DialogSnapshot>;
    messages: ReadonlyMap<string, MessageSnapshot>;
  },
): Promise<RoutingLookups> {
  const { items, channels, dialogs, messages } = args;
  const storedRefs = new Set(messages.keys());
  const request = lookupRequestFor(items, channels, dialogs, storedRefs);
  // One client per person even when their first messages on two channels are routed at the same moment: a
  // transaction-scoped advisory lock per (account, phone) / (account, type, username) / (channel, user), sorted.
  await port.lock(request.lockKeys);
  const identityClients = await port.identityClients(request.identities);
  const phoneClients = await port.phoneClients(request.phones);
  const usernameClients = await port.usernameClients(request.usernames);
  // A verified phone may join the sender's identity and client (DESIGN §7.2); nothing to load without one.
  const phoneTargets = verifiedPhoneTargetsFor(items, dialogs, storedRefs, { identityClients, usernameClients });
  const identityPhones = await port.identityPhones(phoneTargets.identities);
  const clientPhones = await port.clientPhones(phoneTargets.clients);
  const leadClients = leadCandidatesFor(items, channels, dialogs, { identityClients, phoneClients, usernameClients });
  await port.lock(leadClients.map((id) => `lead:${id}`));
  const openLeads = await port.openLeads(leadClients);
  return { dialogs, messages, identityClients, phoneClients, usernameClients, openLeads, identityPhones, clientPhones };
}
