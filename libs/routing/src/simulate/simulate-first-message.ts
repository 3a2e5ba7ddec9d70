import { loadRoutingLookups, type RoutingLookupPort } from '../planner/load-routing-lookups';
import { planInboundBatch, prepareInbound } from '../planner/plan-inbound-batch';
import { chatRef, type ChannelRouting, type DialogSnapshot, type InboundSenderInput, type RoutingPlan } from '../planner/routing-model';

/** What the first message of a sample sender would do now (POST /routing/simulate, DESIGN §4). */
export interface RoutingPreview {
  dialog: 'new' | 'reopened' | 'existing';
  client:
    | { action: 'linked'; clientId: string; rule: 'identity' | 'dialog' }
    | { action: 'matched'; clientId: string; rule: 'phone' | 'username' }
    | { action: 'created'; rule: 'created' }
    | { action: 'none' };
  lead: { action: 'linked'; leadId: string } | { action: 'created'; funnelId: string | null; stageId: string | null } | { action: 'none' };
}

export interface SimulationInput {
  /** The channel the message arrives on: a real one (its identities and dialogs count) or a draft with a fresh id. */
  channel: ChannelRouting;
  externalChatId: string;
  sender: InboundSenderInput;
  /** The stored dialog of (channel, chat), null when there is none (the message would open a new one). */
  dialog: Omit<DialogSnapshot, 'created'> | null;
}

/** Ids of rows the preview would create: never written, never shown. */
const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Runs the very planner lead-routing runs (prepareInbound → loadRoutingLookups → planInboundBatch) on one `new`
 * message of the sample sender, and reads the answer off the plan. `port` should answer from the account's current
 * data without locking or writing; nothing here writes.
 */
export async function simulateFirstMessage(port: RoutingLookupPort, input: SimulationInput): Promise<RoutingPreview> {
  const { channel } = input;
  const item = prepareInbound({
    accountId: channel.accountId,
    channelId: channel.id,
    channelType: channel.type,
    externalChatId: input.externalChatId,
    externalMessageId: `preview:${PREVIEW_ID}`,
    event: 'new',
    sender: input.sender,
    kind: 'text',
    text: null,
    attachments: [],
    sentAt: new Date(),
  });
  const dialog: DialogSnapshot = input.dialog
    ? { ...input.dialog, created: false }
    : { id: PREVIEW_ID, status: 'open', clientId: null, leadId: null, lastMessageAt: null, created: true };
  const channels = new Map([[channel.id, channel]]);
  const dialogs = new Map([[chatRef(channel.id, input.externalChatId), dialog]]);
  const lookups = await loadRoutingLookups(port, { items: [item], channels, dialogs, messages: new Map() });
  const plan = planInboundBatch({ items: [item], channels, lookups, newId: () => PREVIEW_ID });
  return previewOf(plan, dialog);
}

/** The preview's answer, read off the plan of one `new` message in `dialog`. */
export function previewOf(plan: RoutingPlan, dialog: DialogSnapshot): RoutingPreview {
  const kinds = plan.events.map((e) => e.data);
  const created = kinds.find((e) => e.kind === 'client.created');
  const matched = kinds.find((e) => e.kind === 'client.matched');
  let client: RoutingPreview['client'] = { action: 'none' };
  if (created) client = { action: 'created', rule: 'created' };
  else if (matched && (matched.matchRule === 'phone' || matched.matchRule === 'username')) client = { action: 'matched', clientId: matched.clientId!, rule: matched.matchRule };
  else if (matched) client = { action: 'linked', clientId: matched.clientId!, rule: 'identity' };
  else if (dialog.clientId) client = { action: 'linked', clientId: dialog.clientId, rule: 'dialog' };

  const linked = kinds.find((e) => e.kind === 'lead.linked');
  const newLead = plan.leads[0];
  let lead: RoutingPreview['lead'] = { action: 'none' };
  if (linked) lead = { action: 'linked', leadId: linked.leadId! };
  else if (newLead) lead = { action: 'created', funnelId: newLead.funnelId, stageId: newLead.stageId };

  return { dialog: dialog.created ? 'new' : dialog.status === 'closed' ? 'reopened' : 'existing', client, lead };
}
