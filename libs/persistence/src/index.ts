export * from './entities';
export { ALL_MIGRATIONS, InitialSchema1795577797335 } from './migrations';
export * from './enums';
export * from './constraints';
export {
  MIGRATIONS_TABLE,
  MIGRATION_LOCK_KEY,
  createDataSource,
  migrationStatus,
  revertAllMigrations,
  revertMigrations,
  runMigrations,
  type CreateDataSourceOptions,
  type MigrationStatus,
} from './data-source';
export { ensureDatabase, parseDatabaseUrl, runMigrateCli, DatabaseUrlError, type MigrateCliIo } from './cli/migrate';
export {
  createTestDatabase,
  defaultAdminUrl as defaultTestAdminUrl,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from './testing/test-database';
