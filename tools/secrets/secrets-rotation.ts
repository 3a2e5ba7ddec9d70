import type { DataSource, EntityManager } from 'typeorm';
import { channelConfigRecord, type ChannelConfigSource } from '@crm/contracts';
import { enqueueOutbox } from '@crm/outbox';
import { reencryptSecret, SecretDecryptionError, type SecretKeyring } from '@crm/secrets';

/** A table with encrypted text columns. Every one has `account_id`; rows are visited in `idColumn` order. */
interface EncryptedTable {
  table: string;
  idColumn: string;
  columns: readonly string[];
  /** channels: a rotated row gets the next revision and its channels.config.v1 record goes through the outbox. */
  channelConfig?: boolean;
}

/** Every column written by encryptSecret/encryptJson (grep `encrypt` in apps/ and libs/ when adding one). */
export const ENCRYPTED_TABLES: readonly EncryptedTable[] = [
  { table: 'channels', idColumn: 'id', columns: ['secrets_encrypted', 'webhook_secret_encrypted'], channelConfig: true },
  { table: 'integrations', idColumn: 'id', columns: ['secrets_encrypted'] },
  { table: 'avito_access_tokens', idColumn: 'channel_id', columns: ['token_ciphertext'] },
];

export interface TableCounts {
  /** Rows read. */
  scanned: number;
  /** Rows with at least one value re-encrypted with the write key. */
  rotated: number;
  /** Rows whose every value already was under the write key (or null). */
  current: number;
  /** Rows left as they are because a value could not be decrypted with the ring. */
  failed: number;
}

export interface RotationFailure {
  table: string;
  accountId: string;
  id: string;
  column: string;
  /** SecretDecryptionError's message (format, key id or authentication problem; never a value). */
  reason: string;
}

export interface RotationReport {
  writeKeyId: string;
  accounts: number;
  tables: Record<string, TableCounts>;
  /** channels.config.v1 records enqueued in the outbox (the api's relay publishes them). */
  channelConfigsEnqueued: number;
  failures: RotationFailure[];
}

export interface RotationOptions {
  /** Rows per transaction (default 200). */
  batchSize?: number;
  /** Also enqueue the record of every live channel that needed no re-encryption (repairs a stale compacted record). */
  republishAll?: boolean;
}

type Row = Record<string, unknown>;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Re-encrypts every encrypted value in the database with the ring's write key, account by account and table by
 * table, in batches of rows locked and updated in one transaction each (a crash leaves every batch either done or
 * untouched). A value already under the write key is skipped, so a second run changes nothing and an interrupted
 * run resumes where it stopped. A rotated channel gets its next revision and its channels.config.v1 record is
 * enqueued in the same transaction, so the connectors' compacted state carries the new ciphertext. Every query names
 * one account: rows of two accounts never meet in a statement.
 */
export async function rotateSecrets(dataSource: DataSource, ring: SecretKeyring, options: RotationOptions = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const report: RotationReport = {
    writeKeyId: ring.writeKeyId,
    accounts: 0,
    tables: Object.fromEntries(ENCRYPTED_TABLES.map((t) => [t.table, { scanned: 0, rotated: 0, current: 0, failed: 0 }])),
    channelConfigsEnqueued: 0,
    failures: [],
  };
  const accounts = (await dataSource.query(`SELECT id FROM accounts ORDER BY id`)) as Array<{ id: string }>;
  for (const { id: accountId } of accounts) {
    report.accounts += 1;
    for (const table of ENCRYPTED_TABLES) {
      let after = NO_ID;
      for (;;) {
        const last = await dataSource.transaction((m) => rotateBatch(m, table, accountId, after, batchSize, ring, options, report));
        if (last === null) break;
        after = last;
      }
    }
  }
  return report;
}

/** One batch of one account's rows of `table` after `after`; returns the last id seen, or null when there was none. */
async function rotateBatch(
  m: EntityManager,
  table: EncryptedTable,
  accountId: string,
  after: string,
  batchSize: number,
  ring: SecretKeyring,
  options: RotationOptions,
  report: RotationReport,
): Promise<string | null> {
  const rows = (await m.query(
    `SELECT * FROM ${table.table} WHERE account_id = $1 AND ${table.idColumn} > $2 ORDER BY ${table.idColumn} LIMIT $3 FOR UPDATE`,
    [accountId, after, batchSize],
  )) as Row[];
  if (rows.length === 0) return null;
  const counts = report.tables[table.table];
  const changed: Array<{ id: string; values: Array<string | null> }> = [];
  const unchangedLive: Row[] = [];
  for (const row of rows) {
    counts.scanned += 1;
    const outcome = reencryptRow(table, accountId, row, ring, report.failures);
    if (outcome === 'failed') counts.failed += 1;
    else if (outcome === 'current') {
      counts.current += 1;
      if (row.deleted_at === null) unchangedLive.push(row);
    } else {
      counts.rotated += 1;
      changed.push({ id: String(row[table.idColumn]), values: outcome });
    }
  }
  const updated = await updateRows(m, table, accountId, changed);
  if (table.channelConfig) {
    const republish = [...updated, ...(options.republishAll ? unchangedLive : [])].filter((r) => r.deleted_at === null);
    await enqueueOutbox(m, republish.map((r) => ({ accountId, ...channelConfigRecord(channelSource(r)) })));
    report.channelConfigsEnqueued += republish.length;
  }
  return String(rows[rows.length - 1][table.idColumn]);
}

/** The row's encrypted columns under the write key, 'current' when none needed it, 'failed' when one cannot be read. */
function reencryptRow(table: EncryptedTable, accountId: string, row: Row, ring: SecretKeyring, failures: RotationFailure[]): Array<string | null> | 'current' | 'failed' {
  let any = false;
  const values: Array<string | null> = [];
  for (const column of table.columns) {
    const value = row[column] as string | null;
    if (value === null || value === undefined) {
      values.push(null);
      continue;
    }
    try {
      const next = reencryptSecret(value, ring);
      values.push(next ?? value);
      any ||= next !== null;
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      failures.push({ table: table.table, accountId, id: String(row[table.idColumn]), column, reason: err.message });
      return 'failed';
    }
  }
  return any ? values : 'current';
}

/** One UPDATE for the batch (rows of this account only); channels also get their next revision. */
async function updateRows(m: EntityManager, table: EncryptedTable, accountId: string, changed: Array<{ id: string; values: Array<string | null> }>): Promise<Row[]> {
  if (changed.length === 0) return [];
  const sets = table.columns.map((c, i) => `${c} = v.c${i}`);
  if (table.channelConfig) sets.push('revision = t.revision + 1', 'updated_at = now()');
  const arrays = table.columns.map((_c, i) => `$${i + 3}::text[]`).join(', ');
  const names = table.columns.map((_c, i) => `c${i}`).join(', ');
  const result = (await m.query(
    `UPDATE ${table.table} t SET ${sets.join(', ')}
       FROM unnest($2::uuid[], ${arrays}) AS v(id, ${names})
      WHERE t.account_id = $1 AND t.${table.idColumn} = v.id
      RETURNING t.*`,
    [accountId, changed.map((c) => c.id), ...table.columns.map((_c, i) => changed.map((c) => c.values[i]))],
  )) as [Row[], number] | Row[];
  // TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, affected].
  return Array.isArray(result[0]) ? (result[0] as Row[]) : (result as Row[]);
}

function channelSource(r: Row): ChannelConfigSource {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    type: r.type as ChannelConfigSource['type'],
    name: r.name as string,
    status: r.status as ChannelConfigSource['status'],
    settings: (r.settings as Record<string, unknown>) ?? {},
    publicKey: (r.public_key as string | null) ?? null,
    secretsEncrypted: (r.secrets_encrypted as string | null) ?? null,
    webhookSecretEncrypted: (r.webhook_secret_encrypted as string | null) ?? null,
    revision: r.revision as number,
    updatedAt: r.updated_at as Date,
  };
}
