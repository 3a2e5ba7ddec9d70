import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What the audit log records (DESIGN §4 GET /audit). Append new actions here. */
export const AUDIT_ACTIONS = ['client.merged', 'client.exported', 'client.erased'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ENTITIES = ['client'] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** Ids, counts and flags only: an audit row must never carry a name, a phone or a message text. */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

export interface AuditEntry {
  accountId: string;
  /** The JWT `sub` of who did it. */
  userId: string;
  action: AuditAction;
  entity: AuditEntity;
  entityId: string;
  details?: AuditDetails;
}

/**
 * The audit log writer. `record` takes the caller's EntityManager so the row commits (or rolls back) with the action
 * it describes: call it inside the action's transaction (an action without one passes `dataSource.manager`).
 */
@Injectable()
export class AuditLog {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (account_id, user_id, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [entry.accountId, entry.userId, entry.action, entry.entity, entry.entityId, JSON.stringify(entry.details ?? {})],
    );
  }
}
