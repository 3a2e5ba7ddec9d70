// Provisions real Kafka and Postgres once per `npm test` run (Immich-style globalSetup) and hands them to the test
// workers through environment variables, which the workers inherit:
//   KAFKA_BROKERS               the broker list
//   CRM_TEST_PG_ADMIN_URL       a database on the server with CREATE DATABASE rights
//   CRM_TEST_RUN_ID             prefix of every database this run creates (crm_t_<run>_…), dropped at teardown
//   CRM_TEST_PG_TEMPLATE        a database with every migration applied; tests clone it (CREATE DATABASE … TEMPLATE)
import 'reflect-metadata';
import './crm-aliases';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
// Relative import: Jest applies its transform to the global setup but not moduleNameMapper.
import { runMigrations } from '../../../persistence/src/data-source';
import { provisionInfrastructure, withDatabase } from '../infra/provision';

interface Held {
  stop(): Promise<void>;
  template: string;
  runId: string;
  adminUrl: string;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infra = await provisionInfrastructure({ log: (l) => console.log(`[infra] ${l}`) });
  const runId = randomBytes(3).toString('hex');
  const template = `crm_t_${runId}_tpl`;
  const admin = new Client({ connectionString: infra.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(infra.postgresAdminUrl, template));

  process.env.KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.CRM_TEST_PG_ADMIN_URL = infra.postgresAdminUrl;
  process.env.CRM_TEST_PG_TEMPLATE = template;
  process.env.CRM_TEST_RUN_ID = runId;
  (globalThis as { __crmInfra?: Held }).__crmInfra = { stop: () => infra.stop(), template, runId, adminUrl: infra.postgresAdminUrl };
  console.log(`\n[infra] ${infra.description.join(' | ')}; template database ${template}; ready in ${Date.now() - started} ms`);
}
