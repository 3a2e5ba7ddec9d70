import { createHmac, timingSafeEqual } from 'node:crypto';

/** Longest secret or signature the kit compares (anything longer never matches). */
const MAX_SECRET_LENGTH = 1024;

/**
 * Compares a received secret (header, body field, URL segment) with the expected one in constant time: timingSafeEqual
 * over the bytes, whose running time depends only on the length (a secret's length is no secret). A missing, repeated
 * (array) or over-long value never matches, and neither does an empty expected secret.
 */
export function secretsEqual(expected: string | null | undefined, received: unknown): boolean {
  if (typeof expected !== 'string' || expected.length === 0) return false;
  if (typeof received !== 'string' || received.length === 0 || received.length > MAX_SECRET_LENGTH) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `signature` is the hex HMAC-SHA256 of the raw body with `secret` (WhatsApp `X-Hub-Signature-256:
 * sha256=<hex>`: pass `{ prefix: 'sha256=' }`). Computed over the bytes as received, compared in constant time;
 * upper-case hex is accepted.
 */
export function hmacSha256Matches(secret: string, rawBody: Buffer, signature: unknown, options: { prefix?: string } = {}): boolean {
  if (typeof signature !== 'string' || secret.length === 0) return false;
  const prefix = options.prefix ?? '';
  if (!signature.startsWith(prefix)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  return secretsEqual(expected, signature.slice(prefix.length).toLowerCase());
}
