import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const held = (globalThis as { __crmInfra?: { stop(): Promise<void>; template: string; runId: string; adminUrl: string } }).__crmInfra;
  if (!held) return;
  const admin = new Client({ connectionString: held.adminUrl });
  try {
    await admin.connect();
    // Every database of this run (crm_t_<run>_…): the template and any a test forgot to drop.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`crm_t_${held.runId}_`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  await held.stop();
}
