import type { BaseServiceConfig } from '@crm/config';
import { type LoggerOptions, type RunningService, type ServiceDefinition, startService } from '@crm/service-kit';
import type { ConnectorTestKit } from './connector-test-kit';

export interface StartConnectorOptions {
  /** Its Kafka (brokers, topic prefix) and secrets key. */
  kit: ConnectorTestKit;
  databaseUrl: string;
  /** The port it listens on (a free one: `freePort()` of @crm/testing). */
  port: number;
  /** PUBLIC_URL; its own address when not given. */
  publicUrl?: string;
  /** The app's own variables (fake platform URLs, short intervals…); LOG_LEVEL is `warn` unless given here. */
  env?: NodeJS.ProcessEnv;
  logDestination?: LoggerOptions['destination'];
}

export interface StartedConnector<C extends BaseServiceConfig> {
  service: RunningService<C>;
  /** http://127.0.0.1:<port> */
  url: string;
}

/** A connector app started in this process as its main.ts would (signals left to the test runner), on the kit's Kafka. */
export async function startConnector<C extends BaseServiceConfig>(definition: ServiceDefinition<C>, o: StartConnectorOptions): Promise<StartedConnector<C>> {
  const url = `http://127.0.0.1:${o.port}`;
  const service = await startService(definition, {
    env: { DATABASE_URL: o.databaseUrl, ...o.kit.serviceEnv(), PUBLIC_URL: o.publicUrl ?? url, LOG_LEVEL: 'warn', ...o.env, PORT: String(o.port) },
    handleSignals: false,
    ...(o.logDestination ? { logDestination: o.logDestination } : {}),
  });
  return { service, url };
}
