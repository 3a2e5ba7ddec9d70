import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs every webhook POST with: `sha256=<hex HMAC-SHA256(raw body, app secret)>`. */
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * The outcome of a signature check: `missing` answers 401, `mismatch` 403 (pywa's behaviour, PLATFORMS.md §2);
 * neither produces anything.
 */
export type SignatureCheck = 'valid' | 'missing' | 'mismatch';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** `sha256=<hex>` of the raw bytes, as Meta computes it (also used by the fake Graph API and the benchmark). */
export function signWhatsappBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks `X-Hub-Signature-256` over the raw body bytes (never re-serialized JSON) in constant time. A header that is
 * present but not `sha256=<64 hex>` is a mismatch, not a missing signature.
 */
export function checkWhatsappSignature(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return 'missing';
  const match = SIGNATURE.exec(value.trim());
  if (!match) return 'mismatch';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}

export type HandshakeAnswer = { status: 200; body: string } | { status: 403; body: string };

/**
 * The GET verification handshake: `hub.mode=subscribe` and `hub.verify_token` equal to the channel's verify token →
 * 200 with the raw `hub.challenge`; anything else → 403. The token is compared in constant time.
 */
export function answerVerifyHandshake(query: Record<string, unknown>, verifyToken: string): HandshakeAnswer {
  const mode = first(query['hub.mode']);
  const token = first(query['hub.verify_token']);
  const challenge = first(query['hub.challenge']);
  if (mode !== 'subscribe' || token === undefined || challenge === undefined || challenge === '' || !sameSecret(token, verifyToken)) {
    return { status: 403, body: 'Forbidden' };
  }
  return { status: 200, body: challenge };
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === 'string' ? v : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const a = createHmac('sha256', 'verify-token').update(given).digest();
  const b = createHmac('sha256', 'verify-token').update(expected).digest();
  return expected.length > 0 && timingSafeEqual(a, b);
}
