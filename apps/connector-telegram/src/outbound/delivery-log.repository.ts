import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** processed_events consumer name of the outbound sender. */
export const OUTBOUND_CONSUMER = 'connector-telegram.outbound';

/**
 * Which outbound messages were already handed to Telegram, so a redelivered send command (rebalance, restart before
 * the commit) never reaches the customer twice: a processed_events row written once the outcome is published, or the
 * message row itself no longer `queued` (the api already applied a status).
 */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async alreadyHandled(accountId: string, messageId: string): Promise<boolean> {
    const [row]: Array<{ handled: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2)
           OR EXISTS (SELECT 1 FROM messages WHERE id = $2::uuid AND account_id = $3 AND direction = 'out' AND status <> 'queued') AS handled`,
      [OUTBOUND_CONSUMER, messageId, accountId],
    );
    return row.handled;
  }

  async record(messageId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [OUTBOUND_CONSUMER, messageId]);
  }
}
