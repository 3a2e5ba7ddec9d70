// Catalog queries used by the persistence integration tests.
import { Client } from 'pg';

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function publicTables(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return r.rows.map((row) => row.table_name);
  });
}

/** Every object of the public schema (relations, types, constraints, functions) plus installed extensions. */
export async function schemaObjects(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ o: string }>(`
      SELECT 'rel:' || c.relkind::text || ':' || c.relname AS o
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'type:' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'constraint:' || con.conname FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
       WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'proc:' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'ext:' || e.extname FROM pg_extension e
      ORDER BY 1`);
    return r.rows.map((row) => row.o);
  });
}
