import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageStatusData } from '@crm/contracts';

/** Where one outbound message stands in the delivery log. */
export type DeliveryClaim =
  /** Claimed now: nobody has sent it; the platform may be called. */
  | { state: 'claimed'; attempts: number }
  /** A send was started earlier and its outcome never recorded (crash, restart, rebalance mid-send). */
  | { state: 'in-progress'; attempts: number }
  /** The outcome is known; `published` = its status is on channels.status.v1 already. */
  | { state: 'done'; outcome: MessageStatusData; published: boolean };

export interface DeliveryRef {
  accountId: string;
  messageId: string;
  channelId: string;
  channelType: string;
}

/**
 * The delivery log of outbound messages (table outbound_deliveries), the basis of at-most-once sending: a message is
 * recorded `sending` BEFORE the platform is called, its outcome recorded after, then its status published. A
 * redelivered command finds the row: done → only (re)publish the status; still `sending` → a send was interrupted
 * and its outcome is unknown. One row per (account, message).
 */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the send as started, or tells what an earlier attempt left. */
  async claim(ref: DeliveryRef): Promise<DeliveryClaim> {
    const inserted: Array<{ attempts: number }> = await this.dataSource.query(
      `INSERT INTO outbound_deliveries (account_id, message_id, channel_id, channel_type, state)
       VALUES ($1, $2, $3, $4, 'sending')
       ON CONFLICT (account_id, message_id) DO NOTHING
       RETURNING attempts`,
      [ref.accountId, ref.messageId, ref.channelId, ref.channelType],
    );
    if (inserted.length > 0) return { state: 'claimed', attempts: inserted[0].attempts };
    const [row]: Array<{ state: string; attempts: number; outcome: MessageStatusData | null; published: boolean }> = await this.dataSource.query(
      `SELECT state, attempts, outcome, published_at IS NOT NULL AS published FROM outbound_deliveries WHERE account_id = $1 AND message_id = $2`,
      [ref.accountId, ref.messageId],
    );
    if (!row) return this.claim(ref); // released between the two statements
    if (row.state === 'done' && row.outcome) return { state: 'done', outcome: row.outcome, published: row.published };
    return { state: 'in-progress', attempts: row.attempts };
  }

  /** A send found in progress is started again (platforms with an idempotency key). Returns the attempt number. */
  async retake(ref: DeliveryRef): Promise<number> {
    const [row] = updatedRows<{ attempts: number }>(
      await this.dataSource.query(
        `UPDATE outbound_deliveries SET attempts = attempts + 1, updated_at = now()
          WHERE account_id = $1 AND message_id = $2 AND state = 'sending' RETURNING attempts`,
        [ref.accountId, ref.messageId],
      ),
    );
    return row?.attempts ?? 1;
  }

  /** The claim is given back: nothing was sent (the process stopped before calling the platform). */
  async release(ref: DeliveryRef): Promise<void> {
    await this.dataSource.query(`DELETE FROM outbound_deliveries WHERE account_id = $1 AND message_id = $2 AND state = 'sending'`, [ref.accountId, ref.messageId]);
  }

  /** Records the outcome of a started send. false when the row was finished meanwhile (another instance). */
  async finish(ref: DeliveryRef, outcome: MessageStatusData): Promise<boolean> {
    const rows = updatedRows(
      await this.dataSource.query(
        `UPDATE outbound_deliveries SET state = 'done', outcome = $3::jsonb, updated_at = now()
          WHERE account_id = $1 AND message_id = $2 AND state = 'sending' RETURNING 1`,
        [ref.accountId, ref.messageId, JSON.stringify(outcome)],
      ),
    );
    return rows.length > 0;
  }

  /** Records an outcome decided without sending (channel inactive, outcome unknown), in one statement. */
  async record(ref: DeliveryRef, outcome: MessageStatusData): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO outbound_deliveries (account_id, message_id, channel_id, channel_type, state, outcome)
       VALUES ($1, $2, $3, $4, 'done', $5::jsonb)
       ON CONFLICT (account_id, message_id) DO UPDATE SET state = 'done', outcome = EXCLUDED.outcome, updated_at = now()
        WHERE outbound_deliveries.state = 'sending'`,
      [ref.accountId, ref.messageId, ref.channelId, ref.channelType, JSON.stringify(outcome)],
    );
  }

  async markPublished(ref: Pick<DeliveryRef, 'accountId' | 'messageId'>): Promise<void> {
    await this.dataSource.query(`UPDATE outbound_deliveries SET published_at = now() WHERE account_id = $1 AND message_id = $2 AND published_at IS NULL`, [ref.accountId, ref.messageId]);
  }
}

/** TypeORM answers an UPDATE … RETURNING with `[rows, affectedCount]` (other statements: the rows). */
function updatedRows<T = unknown>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
