import { EntityManager } from 'typeorm';
import { EventEnvelope, eventHeaders } from '@crm/contracts';

export const OUTBOX_CHANNEL = 'crm_outbox';

export interface OutboxRecord {
  accountId: string;
  /** Base topic (from Topics), not prefixed. */
  topic: string;
  key: string;
  /** The envelope to publish, or null for a tombstone (compacted topics). */
  envelope: EventEnvelope<object> | null;
  /** Event type for the x-event-type header when the record is a tombstone. */
  eventType?: string;
  correlationId?: string;
  /** Extra record headers besides x-event-type / x-correlation-id (e.g. x-channel-type). */
  headers?: Record<string, string>;
}

/**
 * Writes events to the transactional outbox inside the caller's transaction, so they exist exactly when the business
 * change they describe was committed. NOTIFY wakes the relay on commit (Postgres delivers notifications only then).
 */
export async function enqueueOutbox(manager: EntityManager, records: OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  const values: unknown[] = [];
  const rows = records.map((r, i) => {
    const base = r.envelope ? eventHeaders(r.envelope, r.correlationId) : { 'x-event-type': r.eventType ?? 'tombstone', ...(r.correlationId ? { 'x-correlation-id': r.correlationId } : {}) };
    const headers = { ...r.headers, ...base };
    values.push(r.accountId, r.topic, r.key, r.envelope?.type ?? r.eventType ?? 'tombstone', r.envelope === null ? null : JSON.stringify(r.envelope), JSON.stringify(headers));
    const o = i * 6;
    return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}::jsonb, $${o + 6}::jsonb)`;
  });
  await manager.query(
    `INSERT INTO outbox (account_id, topic, message_key, event_type, payload, headers) VALUES ${rows.join(', ')}`,
    values,
  );
  await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
}
