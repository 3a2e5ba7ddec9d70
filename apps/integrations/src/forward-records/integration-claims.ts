import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { ThrottleState } from '@crm/crm-port';
import type { IntegrationRow } from '../crm/crm-connections';
import { epochMs } from './pg-time';

/** An integration this worker holds (its integration_rate_limits row is locked by `runner`'s open transaction). */
export interface ClaimedIntegration extends IntegrationRow {
  integrationId: string;
  accountId: string;
  throttle: ThrottleState;
  runner: QueryRunner;
}

interface ClaimRow extends IntegrationRow {
  integration_id: string;
  account_id: string;
  bucket_level: number;
  bucket_at: Date;
  blocked_until: Date;
  failures: number;
}

/**
 * Per-integration mutual exclusion across every instance: a worker forwards for an integration only while its
 * transaction holds the integration's integration_rate_limits row (SELECT … FOR UPDATE SKIP LOCKED), so no record is
 * ever sent by two workers at once, and a crashed instance's lock goes with its connection. The row also carries the
 * shared leaky bucket and backoff, written back when the turn ends.
 */
@Injectable()
export class IntegrationClaims {
  constructor(private readonly dataSource: DataSource) {}

  /** The active integration (of a type that can be forwarded) with due records that waited longest, or null. */
  async claim(now: Date, types: string[]): Promise<ClaimedIntegration | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [row] = (await runner.query(
        `SELECT r.integration_id, r.account_id, r.bucket_level, r.bucket_at, r.blocked_until, r.failures,
                i.type, i.settings, i.secrets_encrypted
           FROM integration_rate_limits r
           JOIN integrations i ON i.id = r.integration_id AND i.account_id = r.account_id
          WHERE i.status = 'active' AND i.deleted_at IS NULL AND i.type = ANY($2::text[]) AND r.blocked_until <= $1
            AND EXISTS (SELECT 1 FROM integration_sync_jobs j
                         WHERE j.integration_id = r.integration_id AND j.account_id = r.account_id
                           AND j.state = 'pending' AND j.next_attempt_at <= $1)
          ORDER BY r.blocked_until
          LIMIT 1
            FOR UPDATE OF r SKIP LOCKED`,
        [now, types],
      )) as ClaimRow[];
      if (!row) {
        await this.end(runner, false);
        return null;
      }
      return {
        integrationId: row.integration_id,
        accountId: row.account_id,
        type: row.type,
        settings: row.settings,
        secrets_encrypted: row.secrets_encrypted,
        throttle: { bucket: { level: row.bucket_level, at: epochMs(row.bucket_at) }, blockedUntil: epochMs(row.blocked_until), failures: row.failures },
        runner,
      };
    } catch (err) {
      await this.end(runner, false);
      throw err;
    }
  }

  /** Writes the throttle back and lets go of the integration. */
  async release(claim: ClaimedIntegration, throttle: ThrottleState): Promise<void> {
    try {
      await claim.runner.query(
        `UPDATE integration_rate_limits
            SET bucket_level = $3, bucket_at = $4, blocked_until = $5, failures = $6, updated_at = now()
          WHERE integration_id = $1 AND account_id = $2`,
        [claim.integrationId, claim.accountId, throttle.bucket.level, new Date(throttle.bucket.at), new Date(throttle.blockedUntil), throttle.failures],
      );
      await this.end(claim.runner, true);
    } catch (err) {
      await this.end(claim.runner, false);
      throw err;
    }
  }

  /** Lets go without writing (the turn failed). */
  abandon(claim: ClaimedIntegration): Promise<void> {
    return this.end(claim.runner, false);
  }

  private async end(runner: QueryRunner, commit: boolean): Promise<void> {
    try {
      if (runner.isTransactionActive) await (commit ? runner.commitTransaction() : runner.rollbackTransaction());
    } finally {
      await runner.release();
    }
  }
}
