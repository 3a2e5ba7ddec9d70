import { IsPostgresUrl, WithSecretsKey } from '@crm/config';

class DatabaseConfig {
  @IsPostgresUrl()
  DATABASE_URL!: string;
}

/** What `npm run secrets:rotate` reads: the database and the same keyring variables as the services. */
export class RotateSecretsConfig extends WithSecretsKey(DatabaseConfig) {}
