import { ErrorDisposition } from '@crm/messaging';
import { isDomainError } from '@crm/domain';

const PG_CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '08000', '08001', '08003', '08004', '08006', '08P01']);
const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * The one place a consumer error becomes retry / dead-letter / infrastructure (DESIGN §7):
 * our own Postgres or Kafka being unreachable pauses consumption (never DLQ), a DomainError is final (DLQ at once),
 * anything else is retried a bounded number of times.
 */
export function classifyConsumerError(err: unknown): ErrorDisposition {
  if (isDomainError(err)) return 'dead-letter';
  const e = err as { code?: unknown; name?: string; message?: string; driverError?: unknown; retriable?: boolean };
  const inner = (e?.driverError ?? e) as { code?: unknown; message?: string; name?: string };
  const code = typeof inner?.code === 'string' ? inner.code : undefined;
  if (code && (PG_CONNECTION_CODES.has(code) || NODE_NETWORK_CODES.has(code))) return 'infrastructure';
  const message = `${inner?.message ?? ''} ${e?.message ?? ''}`;
  if (/Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|the database system is (starting up|shutting down)|does not allow connections|is not currently accepting connections|timeout exceeded when trying to connect/i.test(message)) {
    return 'infrastructure';
  }
  if (typeof e?.name === 'string' && /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|BrokerNotFound)Error$/.test(e.name)) return 'infrastructure';
  return 'retry';
}
