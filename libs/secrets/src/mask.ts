/** The placeholder shown instead of a secret's hidden part. */
export const MASK = '••••';

/**
 * What a response shows instead of a secret: `••••` plus its last two characters (`123456:AA…xY` → `••••xY`),
 * or only `••••` when the secret is too short to reveal anything. null/undefined stay as they are.
 */
export function maskSecret(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value.length < 12) return MASK;
  return `${MASK}${value.slice(-2)}`;
}

/** True when `value` is a masked placeholder (a client echoing back what it was shown, not a new secret). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(MASK);
}
