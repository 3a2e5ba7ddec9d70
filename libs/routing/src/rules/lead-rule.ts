import type { RoutingSettings } from './routing-settings';

export interface LeadContext {
  /** First message of a new dialog, or first message after the dialog was closed. */
  conversationStarts: boolean;
  /** The most recent open lead of the dialog's client (null without client or without open lead). */
  openLeadId: string | null;
}

export type LeadDecision =
  | { action: 'link'; leadId: string }
  | { action: 'create'; funnelId: string | null; stageId: string | null }
  | { action: 'none' };

/**
 * DESIGN §7.3, only when a conversation starts: with findExistingLead, the client's open lead is linked; else, with
 * createLeadOnFirstMessage, a new lead goes to the channel's funnel and stage (no funnel → unsorted lead).
 */
export function decideLead(
  settings: Pick<RoutingSettings, 'findExistingLead' | 'createLeadOnFirstMessage' | 'funnelId' | 'stageId'>,
  context: LeadContext,
): LeadDecision {
  if (!context.conversationStarts) return { action: 'none' };
  if (settings.findExistingLead && context.openLeadId) return { action: 'link', leadId: context.openLeadId };
  if (settings.createLeadOnFirstMessage) {
    return { action: 'create', funnelId: settings.funnelId, stageId: settings.funnelId ? settings.stageId : null };
  }
  return { action: 'none' };
}
