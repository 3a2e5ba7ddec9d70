import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AccountEntity } from './account.entity';

/**
 * One sensitive action on personal data (DESIGN §4 GET /audit): who (`user_id`, the JWT `sub`) did what (`action`,
 * e.g. client.merged / client.exported / client.erased) to which row (`entity`, `entity_id`) and when. Written inside
 * the action's own transaction. `details` holds ids and counts only — never personal data — so it survives an erasure.
 */
@Entity({ name: 'audit_log' })
@Check('ck_audit_log_action', `"action" ~ '^[a-z]+\\.[a-z_]+$'`)
@Check('ck_audit_log_entity', `"entity" ~ '^[a-z_]+$'`)
@Index('idx_audit_log_account_at', ['accountId', 'at', 'id'])
@Index('idx_audit_log_account_entity_id', ['accountId', 'entityId'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_audit_log' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_audit_log_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'at', type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ name: 'action', type: 'text' })
  action: string;

  @Column({ name: 'entity', type: 'text' })
  entity: string;

  @Column({ name: 'entity_id', type: 'uuid' })
  entityId: string;

  /** Ids and counts only (e.g. the surviving client of a merge); never names, phones or texts. */
  @Column({ name: 'details', type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
