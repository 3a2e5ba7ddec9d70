import { ErrorDisposition } from '@crm/messaging';
import { isDomainError } from '@crm/domain';

/** The server cannot be reached or refuses us: always an outage (pause, never DLQ). */
const PG_CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '08000', '08001', '08003', '08004', '08006', '08P01']);
/**
 * Errors a sick database produces but a healthy one can too: deadlock (40P01), serialization failure (40001), statement
 * timeout (57014), read-only transaction during a failover (25006), lock not available (55P03), insufficient resources
 * (class 53: out of memory, disk full…). They pause while the database health probe fails and are bounded otherwise.
 */
const PG_TRANSIENT_CODES = new Set(['40P01', '40001', '57014', '25006', '55P03']);
const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * The one place a consumer error becomes retry / dead-letter / infrastructure / transient (DESIGN §7):
 * our own Postgres or Kafka being unreachable pauses consumption (never DLQ); a transient database condition pauses
 * while the database health probe fails and is retried a bounded number of times while it passes; a DomainError is
 * final (DLQ at once); anything else is retried a bounded number of times.
 */
export function classifyConsumerError(err: unknown): ErrorDisposition {
  if (isDomainError(err)) return 'dead-letter';
  const e = err as { code?: unknown; name?: string; message?: string; driverError?: unknown; retriable?: boolean };
  const inner = (e?.driverError ?? e) as { code?: unknown; message?: string; name?: string };
  const code = typeof inner?.code === 'string' ? inner.code : undefined;
  if (code && (PG_CONNECTION_CODES.has(code) || NODE_NETWORK_CODES.has(code))) return 'infrastructure';
  if (code && (PG_TRANSIENT_CODES.has(code) || /^53[0-9A-Z]{3}$/.test(code))) return 'transient';
  const message = `${inner?.message ?? ''} ${e?.message ?? ''}`;
  if (/Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|the database system is (starting up|shutting down)|does not allow connections|is not currently accepting connections|timeout exceeded when trying to connect/i.test(message)) {
    return 'infrastructure';
  }
  if (typeof e?.name === 'string' && /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|BrokerNotFound)Error$/.test(e.name)) return 'infrastructure';
  return 'retry';
}

/** Our Postgres or Kafka cannot be reached. */
export function isInfrastructureError(err: unknown): boolean {
  return classifyConsumerError(err) === 'infrastructure';
}

/**
 * What an HTTP edge answers 503 DEPENDENCY_UNAVAILABLE for (retry later), not 500: our Postgres or Kafka out of reach,
 * or a database condition that passes (read-only during a failover, deadlock, serialization failure, statement timeout,
 * out of resources) — the same request succeeds when repeated.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  const disposition = classifyConsumerError(err);
  return disposition === 'infrastructure' || disposition === 'transient';
}
