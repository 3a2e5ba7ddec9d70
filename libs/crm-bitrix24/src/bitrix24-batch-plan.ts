import { messageMarker, type ClientItem, type LeadItem, type MessageItem, type RecordOutcome, type SyncItem } from '@crm/crm-port';
import type { BatchEntry } from './bitrix24-client';
import { classifyBitrix24Error, recordErrorCode, type Bitrix24ErrorClass } from './bitrix24-errors';
import { commentText, contactFields, leadFields, ORIGINATOR_ID } from './bitrix24-fields';
import { BatchReference, batchCommand, type QueryValue } from './bitrix24-query';

/** Most sub-calls in one `batch` (PLATFORMS.md §5). */
export const BITRIX24_BATCH_LIMIT = 50;

type Purpose = 'create' | 'find-by-origin' | 'find-by-phone' | 'find-comments';

export interface PlannedCommand {
  key: string;
  method: string;
  command: string;
  purpose: Purpose;
  /** Records this sub-call answers for (several only for `find-comments`: the uncertain comments of one lead). */
  recordIds: string[];
  /** find-comments: record id → the marker its comment carries. */
  markers?: Map<string, string>;
}

export interface Bitrix24BatchPlan {
  commands: PlannedCommand[];
  recordIds: string[];
  creates: string[];
}

/**
 * Plans one `batch` (halt on the first error) over due records in dependency order: a contact, then the lead that
 * references it (`CONTACT_ID=$result[…]`), then the lead's comments (`ENTITY_ID=$result[…]`), for as many leads as fit
 * in 50 sub-calls. A record that must first be looked up (unclear earlier attempt: by ORIGIN_ID / marker; a verified
 * phone: crm.duplicate.findbycomm) gets only its lookup in this batch, and what depends on it waits for the next one.
 * Later comments of a lead never overtake a waiting earlier one.
 */
export function planBitrix24Batch(work: readonly SyncItem[], limit = BITRIX24_BATCH_LIMIT): Bitrix24BatchPlan | null {
  const commands: PlannedCommand[] = [];
  const refs = new Map<string, QueryValue>();
  const waitingLeads = new Set<string>();
  const commentLookups = new Map<string, PlannedCommand>();
  const creates: string[] = [];
  const add = (item: SyncItem, method: string, params: Record<string, QueryValue>, purpose: Purpose): PlannedCommand => {
    const key = `${item.entity[0]}${commands.length}`;
    const planned = { key, method, command: batchCommand(method, params), purpose, recordIds: [item.recordId] };
    commands.push(planned);
    if (purpose === 'create') {
      creates.push(item.recordId);
      refs.set(item.recordId, BatchReference.to(key));
    }
    return planned;
  };
  const parentOf = (item: SyncItem): QueryValue | 'missing' => {
    if (item.parentExternalId) return item.parentExternalId;
    if (!item.parentRecordId) return null;
    return refs.get(item.parentRecordId) ?? 'missing';
  };

  for (const item of work) {
    if (commands.length >= limit) break;
    const parent = parentOf(item);
    if (item.entity === 'message') {
      if (parent === 'missing' || parent === null || waitingLeads.has(item.leadId)) {
        waitingLeads.add(item.leadId);
        continue;
      }
      if (item.needsLookup) {
        findComments(item, parent, commentLookups, add);
        waitingLeads.add(item.leadId);
        continue;
      }
      add(item, 'crm.timeline.comment.add', { fields: { ENTITY_ID: parent, ENTITY_TYPE: 'lead', COMMENT: commentText(item.message) } }, 'create');
    } else if (parent !== 'missing') {
      planRecord(item, parent, add);
    }
  }
  if (commands.length === 0) return null;
  return { commands, recordIds: [...new Set(commands.flatMap((c) => c.recordIds))], creates };
}

type Add = (item: SyncItem, method: string, params: Record<string, QueryValue>, purpose: Purpose) => PlannedCommand;

function planRecord(item: ClientItem | LeadItem, parent: QueryValue, add: Add): void {
  const listMethod = item.entity === 'client' ? 'crm.contact.list' : 'crm.lead.list';
  if (item.needsLookup) {
    add(item, listMethod, { filter: { ORIGINATOR_ID, ORIGIN_ID: item.entityId }, select: ['ID'], order: { ID: 'ASC' } }, 'find-by-origin');
  } else if (item.entity === 'client' && item.client.phoneVerified && item.client.phoneE164 && !item.phoneSearched) {
    add(item, 'crm.duplicate.findbycomm', { type: 'PHONE', values: [item.client.phoneE164], entity_type: 'CONTACT' }, 'find-by-phone');
  } else if (item.entity === 'client') {
    add(item, 'crm.contact.add', { fields: contactFields(item.client), params: { REGISTER_SONET_EVENT: 'N' } }, 'create');
  } else {
    add(item, 'crm.lead.add', { fields: leadFields(item.lead, parent), params: { REGISTER_SONET_EVENT: 'N' } }, 'create');
  }
}

/** One comment listing per lead covers all its comments an unclear attempt may have added (newest first). */
function findComments(item: MessageItem, lead: QueryValue, lookups: Map<string, PlannedCommand>, add: Add): void {
  const existing = lookups.get(item.leadId);
  if (existing) {
    existing.recordIds.push(item.recordId);
    existing.markers!.set(item.recordId, messageMarker(item.entityId));
    return;
  }
  const planned = add(item, 'crm.timeline.comment.list', { filter: { ENTITY_ID: lead, ENTITY_TYPE: 'lead' }, select: ['ID', 'COMMENT'], order: { ID: 'DESC' } }, 'find-comments');
  planned.markers = new Map([[item.recordId, messageMarker(item.entityId)]]);
  lookups.set(item.leadId, planned);
}

/** A sub-call error that concerns the whole request rather than its record. */
export interface BatchHalt {
  errorClass: Exclude<Bitrix24ErrorClass, 'transient' | 'permanent'>;
  code: string;
  description: string;
}

/**
 * Record outcomes of an answered batch. Sub-calls that were not executed (after the halting error) get no outcome.
 * A rate/credentials/scope error inside the batch is returned as `halt` for the caller to turn into a signal.
 */
export function interpretBatch(plan: Bitrix24BatchPlan, entries: Map<string, BatchEntry>): { outcomes: RecordOutcome[]; halt?: BatchHalt } {
  const outcomes: RecordOutcome[] = [];
  for (const planned of plan.commands) {
    const entry = entries.get(planned.key);
    if (!entry || ('notExecuted' in entry && entry.notExecuted)) continue;
    if (!entry.ok) {
      const { code, description } = entry as { code: string; description: string };
      const errorClass = classifyBitrix24Error(code);
      if (errorClass === 'rate' || errorClass === 'credentials' || errorClass === 'scope') return { outcomes, halt: { errorClass, code, description } };
      for (const recordId of planned.recordIds) {
        outcomes.push({ recordId, kind: 'error', code: recordErrorCode(code), detail: description, permanent: errorClass === 'permanent' });
      }
      continue;
    }
    outcomes.push(...successOutcomes(planned, entry.result));
  }
  return { outcomes };
}

function successOutcomes(planned: PlannedCommand, result: unknown): RecordOutcome[] {
  const [recordId] = planned.recordIds;
  switch (planned.purpose) {
    case 'create':
      return [{ recordId, kind: 'synced', externalId: String(result) }];
    case 'find-by-origin': {
      const first = Array.isArray(result) ? (result[0] as { ID?: unknown } | undefined) : undefined;
      return [first?.ID !== undefined ? { recordId, kind: 'synced', externalId: String(first.ID) } : { recordId, kind: 'not-found' }];
    }
    case 'find-by-phone': {
      // Nothing found is `[]`, not `{}` (PLATFORMS.md §5).
      const ids = Array.isArray(result) ? [] : ((result as { CONTACT?: unknown[] } | null)?.CONTACT ?? []);
      const oldest = ids.map(Number).filter(Number.isFinite).sort((a, b) => a - b)[0];
      return [oldest !== undefined ? { recordId, kind: 'synced', externalId: String(oldest) } : { recordId, kind: 'not-found', phoneSearched: true }];
    }
    case 'find-comments': {
      const comments = (Array.isArray(result) ? result : []) as Array<{ ID?: unknown; COMMENT?: unknown }>;
      return planned.recordIds.map((id): RecordOutcome => {
        const found = comments.find((c) => typeof c.COMMENT === 'string' && c.COMMENT.includes(planned.markers!.get(id)!));
        return found ? { recordId: id, kind: 'synced', externalId: String(found.ID) } : { recordId: id, kind: 'not-found' };
      });
    }
  }
}
