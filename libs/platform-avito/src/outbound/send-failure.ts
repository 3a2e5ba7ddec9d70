import type { CallFailure } from '@crm/connector-kit';
import type { AvitoFailure } from '../api/avito-failure';

/** Stable error codes of failed Avito sends (message status `failed`). */
export const AvitoSendError = {
  /** 401 again after the token was renewed, or /token refuses the credentials: the channel needs new credentials. */
  AuthRejected: 'AVITO_AUTH_REJECTED',
  /** 403: the token may not act on the chat (an employee token on a company chat, a missing scope). */
  Forbidden: 'AVITO_FORBIDDEN',
  /** 402: the plan no longer includes the Messenger API. */
  PlanRequired: 'AVITO_PLAN_REQUIRED',
  ChatNotFound: 'AVITO_CHAT_NOT_FOUND',
  /** Any other refusal (400 validation…). */
  Rejected: 'AVITO_SEND_REJECTED',
  /** Files cannot be sent through this connector yet (text only). */
  AttachmentsUnsupported: 'AVITO_ATTACHMENTS_UNSUPPORTED',
  RateLimited: 'AVITO_RATE_LIMITED',
} as const;

/** A failed send call → what the kit's retry does with it (429 honours Retry-After; outages retry; the rest fail). */
export function classifyAvitoSendFailure(failure: AvitoFailure): CallFailure {
  const description = `${failure.status ?? ''} ${failure.message}`.trim();
  switch (failure.kind) {
    case 'rate-limited':
      return { action: 'retry-after', retryAfterMs: failure.retryAfterMs, description, scope: 'channel' };
    case 'unavailable':
      return { action: 'retry', description };
    case 'rejected':
      return { action: 'fail', errorCode: failure.status === 403 ? AvitoSendError.Forbidden : AvitoSendError.AuthRejected, description };
    default:
      if (failure.status === 402) return { action: 'fail', errorCode: AvitoSendError.PlanRequired, description };
      if (failure.status === 404) return { action: 'fail', errorCode: AvitoSendError.ChatNotFound, description };
      return { action: 'fail', errorCode: AvitoSendError.Rejected, description };
  }
}
