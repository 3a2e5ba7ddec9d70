import { DataSource } from 'typeorm';

/** Every row of the account, in every table with an `account_id` column (tables added later included), as JSON. */
export async function accountRows(dataSource: DataSource, accountId: string): Promise<Record<string, string[]>> {
  const tables = (await dataSource.query(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'account_id' ORDER BY table_name`,
  )) as Array<{ table_name: string }>;
  const snapshot: Record<string, string[]> = {};
  for (const { table_name: table } of tables) {
    const rows = (await dataSource.query(`SELECT row_to_json(t)::text AS row FROM "${table}" t WHERE account_id = $1 ORDER BY 1`, [accountId])) as Array<{ row: string }>;
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Every id (uuid) that appears anywhere in `value` (JSON or text), lower-cased. */
export function idsIn(value: unknown): Set<string> {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return new Set((text.match(UUID) ?? []).map((id) => id.toLowerCase()));
}
