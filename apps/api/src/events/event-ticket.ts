import { createHash } from 'node:crypto';

/** How long a ticket may wait to be redeemed (DESIGN §4: valid 60 s). */
export const EVENT_TICKET_TTL_MS = 60_000;

/** A ticket is 32 random bytes, base64url. */
export const EVENT_TICKET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Only this digest of a ticket is stored: a leaked table row opens nothing. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
