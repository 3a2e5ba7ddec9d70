// @crm/routing — the pure rules of lead routing (DESIGN §7): phone/username normalization, the client and lead
// decisions, and the batch planner that applies them to a run of inbound events. No Nest, TypeORM or Kafka here.
export { DEFAULT_PHONE_REGION, normalizePhone } from './normalize/normalize-phone';
export { normalizeUsername } from './normalize/normalize-username';
export { newTimeOrderedId, TimeOrderedIdGenerator } from './ids/time-ordered-id';
export type { RoutingSettings } from './rules/routing-settings';
export { decideClient, type ClientCandidates, type ClientDecision, type ClientMatchReason } from './rules/client-rule';
export { decideLead, type LeadContext, type LeadDecision } from './rules/lead-rule';
export {
  chatRef,
  identityRef,
  messageRef,
  phoneRef,
  usernameRef,
  type ChannelRouting,
  type ClientPhoneRow,
  type ClientPhoneSnapshot,
  type DialogSnapshot,
  type DialogUpdateRow,
  type InboundInput,
  type IdentityPhoneRow,
  type InboundSenderInput,
  type MessageSnapshot,
  type MessageUpdateRow,
  type NewClientRow,
  type NewIdentityRow,
  type NewLeadRow,
  type NewMessageRow,
  type PlannedCrmEvent,
  type PreparedInbound,
  type RevisionRow,
  type RoutingLookups,
  type RoutingPlan,
  type SkipReason,
} from './planner/routing-model';
export {
  leadCandidatesFor,
  lookupRequestFor,
  planInboundBatch,
  prepareInbound,
  senderTitle,
  leadTitle,
  verifiedPhoneTargetsFor,
  type LookupRequest,
  type VerifiedPhoneTargets,
} from './planner/plan-inbound-batch';
export { loadRoutingLookups, type RoutingLookupPort } from './planner/load-routing-lookups';
export { previewOf, simulateFirstMessage, type RoutingPreview, type SimulationInput } from './simulate/simulate-first-message';
