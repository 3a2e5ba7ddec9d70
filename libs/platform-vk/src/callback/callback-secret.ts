import { secretsEqual } from '@crm/connector-kit';

/** The longest secret key VK lets a community set for a callback server (letters and digits, at most 50). */
export const VK_SECRET_MAX_LENGTH = 50;

/**
 * Whether the `secret` of a Callback API body is the channel's secret key (PLATFORMS.md §3: a shared string in the JSON
 * body, no HMAC) — the kit's constant-time comparison. A missing, non-string or empty secret never matches, and
 * neither does anything when the channel has no secret.
 */
export function vkSecretMatches(expected: string | null | undefined, received: unknown): boolean {
  return secretsEqual(expected, received);
}
