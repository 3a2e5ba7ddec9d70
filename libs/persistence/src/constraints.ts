// Names of the unique keys that make writes idempotent (DESIGN §7), so callers can tell which one a 23505
// violation hit, e.g. `isUniqueViolation(err, UNIQUE_KEYS.messageExternalId)` → the message is a redelivery.

export const UNIQUE_KEYS = {
  /** channels (account_id, type, credential_fingerprint) WHERE deleted_at IS NULL — same bot twice → 409. */
  channelCredential: 'uq_channels_account_type_credential',
  /** channels (public_key) — the widget's public key. */
  channelPublicKey: 'uq_channels_public_key',
  /** client_identities (channel_id, external_user_id). */
  clientIdentity: 'uq_client_identities_channel_external_user',
  /** dialogs (channel_id, external_chat_id). */
  dialogChat: 'uq_dialogs_channel_external_chat',
  /** messages (channel_id, direction, external_id). */
  messageExternalId: 'uq_messages_channel_direction_external_id',
  /** message_revisions (message_id, edited_at). */
  messageRevision: 'uq_message_revisions_message_edited_at',
  /** integration_sync_jobs (integration_id, entity_type, entity_id, operation). */
  syncJob: 'uq_integration_sync_jobs_entity_operation',
  /** processed_events primary key (consumer, event_id). */
  processedEvent: 'pk_processed_events',
} as const;
export type UniqueKeyName = (typeof UNIQUE_KEYS)[keyof typeof UNIQUE_KEYS];

/** PostgreSQL SQLSTATE of unique_violation. */
export const PG_UNIQUE_VIOLATION = '23505';
/** PostgreSQL SQLSTATE of foreign_key_violation. */
export const PG_FOREIGN_KEY_VIOLATION = '23503';
/** PostgreSQL SQLSTATE of check_violation. */
export const PG_CHECK_VIOLATION = '23514';

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
  driverError?: unknown;
}

function pgError(err: unknown): PgErrorLike | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as PgErrorLike;
  // TypeORM's QueryFailedError keeps the pg error as driverError (and copies its fields onto itself).
  if (e.driverError && typeof e.driverError === 'object') return e.driverError as PgErrorLike;
  return e;
}

/** The SQLSTATE code of a pg / TypeORM error, if any. */
export function pgErrorCode(err: unknown): string | undefined {
  const code = pgError(err)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a unique violation (23505), optionally only of the named constraint / unique index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  if (!e || e.code !== PG_UNIQUE_VIOLATION) return false;
  return constraint === undefined || e.constraint === constraint;
}
