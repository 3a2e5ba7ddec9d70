/**
 * Whether a free-form reply is still allowed: a channel type with a reply window (WhatsApp: 24 h, a capability in its
 * descriptor) allows one only within `hours` of the customer's last message; a type without one (null) always does.
 */
export function replyWindowOpen(hours: number | null, lastInboundAt: Date | null, now: Date): boolean {
  if (hours === null) return true;
  if (lastInboundAt === null) return false;
  return now.getTime() - lastInboundAt.getTime() <= hours * 3_600_000;
}
