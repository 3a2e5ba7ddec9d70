/**
 * A platform username → the form usernames are compared in: without a leading '@', trimmed, lower-case
 * (Telegram usernames are case-insensitive). Empty → null.
 */
export function normalizeUsername(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim().replace(/^@+/, '').trim().toLowerCase();
  return value.length > 0 ? value : null;
}
