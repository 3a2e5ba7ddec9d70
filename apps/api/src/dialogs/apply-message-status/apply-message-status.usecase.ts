import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEnvelope, crmEventKey, Topics } from '@crm/contracts';
import { enqueueOutbox } from '@crm/outbox';
import type { ApplyMessageStatusCommand } from './apply-message-status.command';

export type StatusOutcome = 'advanced' | 'external-id-only' | 'ignored';

/**
 * Moves an outbound message's status forward only — queued → sent → delivered → read, or to `failed` (final, with
 * its code) from queued/sent — in ONE conditional UPDATE, so a redelivered or out-of-order report can never move it
 * back, whatever the interleaving. A report that does not advance the status still records the platform's message id
 * if we did not have it. When the status moved, message.status goes out through the outbox in the same transaction.
 */
@Injectable()
export class ApplyMessageStatusUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ApplyMessageStatusCommand): Promise<StatusOutcome> {
    const d = command.data;
    return this.dataSource.transaction(async (m) => {
      // The one conditional UPDATE: the WHERE admits only a forward move. Concurrent reports for one message are
      // serialized by the row lock and Postgres re-checks the WHERE on the newest version, so none can regress it.
      // (TypeORM answers an UPDATE with [rows, rowCount].)
      const [[row]] = (await m.query(
        `UPDATE messages
            SET status = $4::text,
                external_id = COALESCE(external_id, $5::text),
                error_code = CASE WHEN $4::text = 'failed' THEN $6::text ELSE error_code END,
                error_message = CASE WHEN $4::text = 'failed' THEN $7::text ELSE error_message END,
                sent_at = CASE WHEN $4::text = 'failed' THEN sent_at ELSE COALESCE(sent_at, $8::timestamptz) END,
                updated_at = now()
          WHERE id = $1 AND account_id = $2 AND channel_id = $3 AND direction = 'out'
            AND CASE WHEN $4::text = 'failed' THEN status IN ('queued', 'sent')
                     ELSE array_position(ARRAY['queued','sent','delivered','read'], status)
                          < array_position(ARRAY['queued','sent','delivered','read'], $4::text)
                END
          RETURNING dialog_id`,
        [d.messageId, command.accountId, command.channelId, d.status, d.externalMessageId ?? null, d.errorCode ?? null, d.errorMessage ?? null, d.at],
      )) as [Array<{ dialog_id: string }>, number];
      if (!row) {
        // Stale or repeated: the status stays; only a platform id we did not know yet is recorded.
        if (!d.externalMessageId) return 'ignored';
        const [, filled] = (await m.query(
          `UPDATE messages SET external_id = $4, updated_at = now()
            WHERE id = $1 AND account_id = $2 AND channel_id = $3 AND direction = 'out' AND external_id IS NULL`,
          [d.messageId, command.accountId, command.channelId, d.externalMessageId],
        )) as [unknown[], number];
        return filled > 0 ? 'external-id-only' : 'ignored';
      }
      await enqueueOutbox(m, [
        {
          accountId: command.accountId,
          topic: Topics.CrmEvents,
          key: crmEventKey(row.dialog_id),
          envelope: createEnvelope(
            'crm.event',
            { kind: 'message.status', dialogId: row.dialog_id, messageId: d.messageId, status: d.status, ...(d.errorCode && d.status === 'failed' ? { errorCode: d.errorCode } : {}) },
            { accountId: command.accountId, channelId: command.channelId, occurredAt: d.at },
          ),
        },
      ]);
      return 'advanced';
    });
  }
}
