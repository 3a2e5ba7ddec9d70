import type { Logger } from 'pino';
import type { ConsumedMessage, ConsumerLogger, ConsumerRunnerOptions } from '@crm/messaging';
import { HEADER_CORRELATION_ID } from '@crm/contracts';
import type { DatabaseHealthProbe } from './database-health.probe';
import { classifyConsumerError } from './error-disposition';
import { runWithLogContext } from './request-context';

/**
 * What every consumer of a service gets unless it says otherwise: our error classification, the database probe for
 * transient errors, log lines tagged with the group, and the message's `x-correlation-id` on every line its handler
 * writes.
 */
export function withServiceDefaults<T>(
  options: ConsumerRunnerOptions<T>,
  deps: { logger: Logger; database?: DatabaseHealthProbe },
): ConsumerRunnerOptions<T> {
  const { handle, handleBatch } = options;
  return {
    classifyError: classifyConsumerError,
    ...(deps.database ? { dependencyHealthy: () => deps.database!.healthy() } : {}),
    logger: groupLogger(deps.logger, options.groupId),
    ...options,
    handle: (message) => runWithLogContext(correlationOf([message]), () => handle(message)),
    ...(handleBatch ? { handleBatch: (messages: ConsumedMessage<T>[]) => runWithLogContext(correlationOf(messages), () => handleBatch(messages)) } : {}),
  };
}

function groupLogger(logger: Logger, group: string): ConsumerLogger {
  return {
    info: (o, m) => logger.info({ ...o, group }, m),
    warn: (o, m) => logger.warn({ ...o, group }, m),
    error: (o, m) => logger.error({ ...o, group }, m),
  };
}

function correlationOf(messages: ConsumedMessage<unknown>[]): { correlationId?: string; correlationIds?: string[] } {
  const ids = [...new Set(messages.map((m) => m.headers[HEADER_CORRELATION_ID]).filter((id): id is string => !!id))];
  if (messages.length === 1) return ids.length ? { correlationId: ids[0] } : {};
  return ids.length ? { correlationIds: ids } : {};
}
