import type { DataSource } from 'typeorm';
import type { MessageItem, SyncChannel } from '@crm/crm-port';
import type { CrmConnections, IntegrationRow } from './crm-connections';

/** A lead of ours as synced to one CRM: the integration to call and the lead's id there. */
export interface SyncedLead extends IntegrationRow {
  integration_id: string;
  account_id: string;
  status: string;
  external_id: string;
  channel_id: string;
  channel_type: string;
  channel_name: string;
}

/** Every CRM lead our lead `leadId` was synced to (one per integration), with what is needed to call that CRM. */
export async function syncedLeadsOf(db: Pick<DataSource, 'query'>, accountId: string, leadId: string): Promise<SyncedLead[]> {
  return db.query(
    `SELECT i.id AS integration_id, i.account_id, i.type, i.settings, i.secrets_encrypted, i.status, j.external_id,
            ch.id AS channel_id, ch.type AS channel_type, ch.name AS channel_name
       FROM integration_sync_jobs j
       JOIN integrations i ON i.id = j.integration_id AND i.account_id = j.account_id AND i.deleted_at IS NULL
       JOIN leads l ON l.id = j.entity_id AND l.account_id = j.account_id
       JOIN channels ch ON ch.id = l.channel_id AND ch.account_id = l.account_id
      WHERE j.account_id = $1 AND j.entity_type = 'lead' AND j.entity_id = $2 AND j.state = 'synced' AND j.external_id IS NOT NULL`,
    [accountId, leadId],
  );
}

/** A service note on a CRM lead, as the comment item the CRM adapters already know how to add and to find. */
export interface LeadNote {
  /** Stable id of the note (e.g. the event's id): its marker in the comment, so a retry finds it. */
  id: string;
  leadId: string;
  text: string;
  at: Date;
}

function noteItem(note: LeadNote, lead: SyncedLead, lookup: boolean): MessageItem {
  const channel: SyncChannel = { id: lead.channel_id, type: lead.channel_type, name: lead.channel_name };
  return {
    entity: 'message',
    recordId: note.id,
    entityId: note.id,
    leadId: note.leadId,
    parentRecordId: null,
    parentExternalId: lead.external_id,
    needsLookup: lookup,
    attempts: 0,
    message: { id: note.id, direction: 'out', kind: 'text', text: note.text, attachments: [], sentAt: note.at, deleted: false, channel },
  };
}

/**
 * Adds the note on the CRM lead at most once (DESIGN §7a): first looked up by its marker (a redelivery or a retry after
 * an unclear failure finds the earlier one), added only when it is not there. Throws when the CRM does not take it,
 * so the event is retried by the consumer.
 */
export async function addLeadNote(connections: CrmConnections, lead: SyncedLead, note: LeadNote): Promise<void> {
  const open = connections.open(lead);
  if (!open) throw new Error(`no CRM adapter for integration type ${lead.type}`);
  for (const lookup of [true, false]) {
    const item = noteItem(note, lead, lookup);
    const step = open.adapter.plan(open.connection, [item]);
    if (!step) throw new Error('the CRM adapter planned nothing for the lead note');
    const result = await step.execute();
    if (result.integration) throw new Error(`lead note not added (${result.integration.kind}${'code' in result.integration ? `: ${result.integration.code}` : ''})`);
    const outcome = result.outcomes.find((o) => o.recordId === item.recordId);
    if (outcome?.kind === 'synced') return;
    if (outcome?.kind === 'error') throw new Error(`lead note not added: ${outcome.code}`);
  }
  throw new Error('lead note not added: the CRM did not confirm it');
}
