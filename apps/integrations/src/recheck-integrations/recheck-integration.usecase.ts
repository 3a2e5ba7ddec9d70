import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@crm/domain';
import { CrmConnections, type IntegrationRow } from '../crm/crm-connections';

export interface WaitingIntegration extends IntegrationRow {
  id: string;
  account_id: string;
  updated_at: Date;
}

export type RecheckOutcome = 'active' | 'rejected' | 'still-unavailable' | 'changed';

/**
 * Asks the CRM again about an integration saved (or re-checked by PATCH) while the CRM was unreachable (status
 * error, PLATFORM_UNAVAILABLE): valid → active, and its waiting records go out; refused meanwhile → stays error with
 * the refusal's code; still unreachable → unchanged. Applied only to an integration nobody changed during the check.
 */
@Injectable()
export class RecheckIntegrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: CrmConnections,
  ) {}

  /** Integrations waiting for a re-check, across accounts (a system job), oldest change first. */
  candidates(limit = 50): Promise<WaitingIntegration[]> {
    return this.dataSource.query(
      `SELECT id, account_id, type, settings, secrets_encrypted, updated_at FROM integrations
        WHERE status = 'error' AND status_reason = $1 AND deleted_at IS NULL AND type = ANY($2::text[])
        ORDER BY updated_at LIMIT $3`,
      [ErrorCode.PLATFORM_UNAVAILABLE, this.connections.types(), limit],
    );
  }

  async execute(integration: WaitingIntegration): Promise<RecheckOutcome> {
    const open = this.connections.open(integration);
    if (!open) return 'changed';
    const check = await open.adapter.verify(open.connection);
    if (check.outcome === 'unavailable') return 'still-unavailable';
    const rows = (await this.dataSource.query(
      `WITH changed AS (
         UPDATE integrations SET status = $4, status_reason = $5, updated_at = now()
          WHERE id = $1 AND account_id = $2 AND date_trunc('milliseconds', updated_at) = date_trunc('milliseconds', $3::timestamptz)
            AND status = 'error' AND status_reason = $6 AND deleted_at IS NULL
         RETURNING id)
       SELECT id FROM changed`,
      [
        integration.id,
        integration.account_id,
        integration.updated_at,
        check.outcome === 'valid' ? 'active' : 'error',
        check.outcome === 'valid' ? null : check.code,
        ErrorCode.PLATFORM_UNAVAILABLE,
      ],
    )) as unknown[];
    if (rows.length === 0) return 'changed';
    return check.outcome === 'valid' ? 'active' : 'rejected';
  }
}
