import type { ClientItem, LeadItem, MessageItem, SyncItem } from '@crm/crm-port';

/** Most leads in one `POST /api/v4/leads/complex` and notes in one `POST /api/v4/leads/notes` (PLATFORMS.md §6). */
export const AMOCRM_BATCH_LIMIT = 50;

/** A lead to create, with the contact it goes with: a new one (its client record) or an existing one (by id). */
export interface LeadEntry {
  lead: LeadItem;
  /** The client record synced together with the lead (the contact is created by the same request). */
  newContact: ClientItem | null;
  contactId: string | null;
}

/** The one request a step makes. */
export type AmocrmAction =
  | { kind: 'find-contact'; client: ClientItem }
  | { kind: 'find-lead'; lead: LeadItem; client: ClientItem | null }
  | { kind: 'find-notes'; leadExternalId: string; messages: MessageItem[] }
  | { kind: 'add-contact'; client: ClientItem }
  | { kind: 'add-leads'; entries: LeadEntry[] }
  | { kind: 'add-notes'; messages: MessageItem[] };

export function actionRecordIds(action: AmocrmAction): string[] {
  switch (action.kind) {
    case 'find-contact':
    case 'add-contact':
      return [action.client.recordId];
    case 'find-lead':
      return [...(action.client ? [action.client.recordId] : []), action.lead.recordId];
    case 'find-notes':
    case 'add-notes':
      return action.messages.map((m) => m.recordId);
    case 'add-leads':
      return action.entries.flatMap((e) => [...(e.newContact ? [e.newContact.recordId] : []), e.lead.recordId]);
  }
}

/** Records the request may create (marked "look it up" before it is sent). */
export function actionCreates(action: AmocrmAction): string[] {
  return action.kind === 'add-contact' || action.kind === 'add-leads' || action.kind === 'add-notes' ? actionRecordIds(action) : [];
}

const needsPhoneSearch = (c: ClientItem) => c.client.phoneVerified && c.client.phoneE164 !== null && !c.phoneSearched;

/**
 * The next request for due records in dependency order (amoCRM: the contact is created with its lead by
 * `leads/complex`, so a client waits for its lead when the lead is there too):
 * 1. a client with a verified phone not searched yet → contact search by phone;
 * 2. a lead that may exist (unclear earlier attempt) → lead search by our id (its new contact comes with it);
 * 3. comments that may exist → the lead's notes, searched for our markers;
 * 4. leads (with their new or known contact, or none) → one complex request, as many as ready;
 * 5. a client without a lead in sight → the contact alone;
 * 6. comments of synced leads → one notes request, in order, never past a comment that waits.
 * The first record that can act decides the kind; the rest of the step is what can go with it.
 */
export function planAmocrmAction(work: readonly SyncItem[]): AmocrmAction | null {
  const clients = new Map(work.filter((i): i is ClientItem => i.entity === 'client').map((c) => [c.recordId, c]));
  const leadOfClient = new Map<string, LeadItem>();
  for (const item of work) if (item.entity === 'lead' && item.parentRecordId && clients.has(item.parentRecordId)) leadOfClient.set(item.parentRecordId, item);

  for (const item of work) {
    if (item.entity === 'client') {
      if (needsPhoneSearch(item)) return { kind: 'find-contact', client: item };
      if (!leadOfClient.has(item.recordId)) return { kind: 'add-contact', client: item };
    } else if (item.entity === 'lead') {
      const client = item.parentRecordId ? (clients.get(item.parentRecordId) ?? null) : null;
      if (item.needsLookup) return { kind: 'find-lead', lead: item, client };
      if (leadEntry(item, clients)) return { kind: 'add-leads', entries: leadEntries(work, clients) };
    } else if (item.parentExternalId) {
      if (item.needsLookup) return { kind: 'find-notes', leadExternalId: item.parentExternalId, messages: lookupRun(work, item.parentExternalId) };
      return { kind: 'add-notes', messages: noteRun(work) };
    }
  }
  return null;
}

/** The lead's entry if it can be created now (its contact known, new and ready, or none). */
function leadEntry(lead: LeadItem, clients: ReadonlyMap<string, ClientItem>): LeadEntry | null {
  if (lead.needsLookup) return null;
  if (lead.parentExternalId) return { lead, newContact: null, contactId: lead.parentExternalId };
  if (!lead.parentRecordId) return { lead, newContact: null, contactId: null };
  const client = clients.get(lead.parentRecordId);
  if (!client || needsPhoneSearch(client)) return null;
  return { lead, newContact: client, contactId: null };
}

function leadEntries(work: readonly SyncItem[], clients: ReadonlyMap<string, ClientItem>): LeadEntry[] {
  const entries: LeadEntry[] = [];
  for (const item of work) {
    if (entries.length >= AMOCRM_BATCH_LIMIT) break;
    if (item.entity !== 'lead') continue;
    const entry = leadEntry(item, clients);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The comments of one lead that may exist, from the first one on, up to the first that surely does not. */
function lookupRun(work: readonly SyncItem[], leadExternalId: string): MessageItem[] {
  const run: MessageItem[] = [];
  for (const item of work) {
    if (item.entity !== 'message' || item.parentExternalId !== leadExternalId) continue;
    if (!item.needsLookup) break;
    run.push(item);
  }
  return run;
}

/** Comments of synced leads, in order per lead; a lead's comments stop at the first one that must wait or be looked up. */
function noteRun(work: readonly SyncItem[]): MessageItem[] {
  const run: MessageItem[] = [];
  const stopped = new Set<string>();
  for (const item of work) {
    if (run.length >= AMOCRM_BATCH_LIMIT) break;
    if (item.entity !== 'message') continue;
    const lead = item.parentExternalId ?? `record:${item.parentRecordId}`;
    if (stopped.has(lead)) continue;
    if (!item.parentExternalId || item.needsLookup) {
      stopped.add(lead);
      continue;
    }
    run.push(item);
  }
  return run;
}
