import 'reflect-metadata';
import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { BaseServiceConfig, ConfigValidationError, loadConfig } from '@crm/config';
import { createLogger, PinoNestLogger } from './logger';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { HTTP_LISTEN_BACKLOG } from './listen-backlog';
import { bodyErrorMiddleware } from './body-error.middleware';
import { jsonDepthMiddleware } from './json-depth.middleware';
import { requestContextMiddleware, requestIdMiddleware } from './request-context';
import { ServiceReadiness } from './readiness';
import { connectConsumerTransport } from './transport/connect-consumer-transport';
import type { ConsumerTuning } from './transport/consumer-pattern';
import { applyServiceV8Flags } from './v8-flags';

export interface ServiceDefinition<C extends BaseServiceConfig> {
  /** Service name as in DESIGN §2 (e.g. "api"). */
  service: string;
  configClass: new () => C;
  /** The app's root module, built from its validated config and logger. */
  module: (config: C, logger: Logger) => DynamicModule | Type<unknown>;
  /** JSON/urlencoded body limit of every endpoint (413 beyond). */
  bodyLimit?: string;
  /** Extra wiring after the app is created (global pipes, filters, OpenAPI...). */
  configure?: (app: NestExpressApplication, config: C, logger: Logger) => void | Promise<void>;
  /** Runner settings of the app's `@EventPattern` consumers, per base consumer group, from its config. */
  consumerTuning?: (config: C) => Record<string, ConsumerTuning>;
  /**
   * On shutdown, how long /health/ready answers 503 before the HTTP server stops taking requests, so a load
   * balancer notices first. Default: SHUTDOWN_GRACE_MS of the config.
   */
  shutdownGraceMs?: number;
}

export interface RunningService<C extends BaseServiceConfig> {
  app: INestApplication;
  config: C;
  logger: Logger;
  url: string;
  /** Graceful stop: readiness off, HTTP, then consumers drain and commit, then Kafka, then the database. */
  close(): Promise<void>;
}

/**
 * Starts one service: validated config (a bad value stops the process with a message naming the variable), JSON logs
 * with a request id per request, body limits, /health/live, /health/ready and /metrics (from ServiceKitModule), the
 * app's `@EventPattern` consumers (KafkaConsumerTransport), and graceful shutdown on SIGTERM/SIGINT.
 */
export async function startService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  options: { env?: NodeJS.ProcessEnv; logDestination?: Parameters<typeof createLogger>[0]['destination']; handleSignals?: boolean } = {},
): Promise<RunningService<C>> {
  const config = loadConfig(definition.configClass, options.env ?? process.env, definition.service);
  const logger = createLogger({ service: definition.service, level: config.LOG_LEVEL, destination: options.logDestination });
  const app = await NestFactory.create<NestExpressApplication>(definition.module(config, logger), {
    logger: new PinoNestLogger(logger),
    rawBody: true,
    bodyParser: false,
    abortOnError: false,
  });
  const limit = definition.bodyLimit ?? '256kb';
  app.use(requestIdMiddleware());
  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { limit, extended: true });
  app.useBodyParser('text', { limit });
  app.use(jsonDepthMiddleware());
  app.use(bodyErrorMiddleware());
  app.use(requestContextMiddleware());
  app.use(httpMetricsMiddleware());
  app.disable('x-powered-by');
  await definition.configure?.(app, config, logger);
  const consumers = connectConsumerTransport(app, logger, definition.consumerTuning?.(config));

  // Hooks first (topics exist, registries replayed), then HTTP, then the @EventPattern consumers: a connector takes
  // webhooks as soon as its registry is loaded, while a consumer group may wait for a killed predecessor's session
  // to expire (up to its session timeout). Readiness stays red until every consumer runs.
  await app.init();
  // Nest hands the arguments after the port to http.Server#listen: (host, backlog).
  await (app as unknown as { listen: (port: number, host: string, backlog: number) => Promise<unknown> }).listen(config.PORT, '0.0.0.0', HTTP_LISTEN_BACKLOG);
  try {
    await consumers.start();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  app.get(ServiceReadiness).markConsumersStarted();
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port }, `${definition.service} listening`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: HTTP, consumers, Kafka, database');
      // Readiness off first (a balancer stops sending), then stop taking new requests; in-flight ones finish. Then
      // the consumers drain and commit, Nest runs the module destroy hooks, and the
      // shutdown hooks (producer, Kafka admin, DataSource).
      app.get(ServiceReadiness).markShuttingDown();
      const graceMs = definition.shutdownGraceMs ?? config.SHUTDOWN_GRACE_MS ?? 0;
      if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 10_000).unref();
      });
      await consumers.stop();
      await app.close();
      logger.info('stopped');
      logger.flush();
    })());

  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        close().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { app, config, logger, url, close };
}

/** Entry point for `main.ts`: the process's V8 flags, then start, or print why the config is wrong and exit 1. */
export function runService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): void {
  applyServiceV8Flags();
  startService(definition).catch((err: unknown) => {
    const message = err instanceof ConfigValidationError ? err.message : `${definition.service} failed to start: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service: definition.service, time: new Date().toISOString(), msg: message })}\n`);
    if (err instanceof ConfigValidationError) process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
