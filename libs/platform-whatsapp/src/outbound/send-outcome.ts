import type { CallFailure, SendRateLimits } from '@crm/connector-kit';
import type { GraphFailure } from '../graph-api/graph-client';
import { GraphErrorCode, sendErrorCodeOf, WhatsappSendError } from '../graph-api/graph-error-codes';

/**
 * Cloud API throughput (PLATFORMS.md §2): 80 messages/s per business number. No per-user pre-throttle: an agent's
 * burst to one customer goes out at once, and only a pair-rate-limit answer (131056) pauses that chat.
 */
export const WHATSAPP_SEND_LIMITS: SendRateLimits = { channelPerSecond: 80, channelBurst: 80, chatPerSecond: 1000, chatBurst: 1000 };

/** A Graph call that did not succeed, thrown inside the kit's ctx.call so classifyWhatsappFailure can tell what to do. */
export class GraphCallError extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
    this.name = 'GraphCallError';
  }
}

/**
 * What the kit does after a failed Graph call: rate limits wait and repeat (131056 pauses only that chat, 130429 / 4 /
 * 80007 the whole number); outages retry with backoff; the rest fails with a stable code (131047 →
 * WHATSAPP_WINDOW_CLOSED, 190 → WHATSAPP_TOKEN_INVALID…).
 */
export function classifyWhatsappFailure(err: unknown): CallFailure {
  if (!(err instanceof GraphCallError)) return { action: 'retry', description: err instanceof Error ? err.message : String(err) };
  const f = err.failure;
  const description = (f.kind === 'unavailable' ? f.message : `${f.code} ${f.message}`).slice(0, 1000);
  switch (f.kind) {
    case 'rate-limited':
      return { action: 'retry-after', retryAfterMs: f.retryAfterMs, description, scope: f.code === GraphErrorCode.PairRateLimit ? 'chat' : 'channel' };
    case 'unavailable':
      return { action: 'retry', description };
    case 'rejected':
      return { action: 'fail', errorCode: WhatsappSendError.TokenInvalid, description };
    case 'permanent':
      return { action: 'fail', errorCode: sendErrorCodeOf(f.code), description };
  }
}
