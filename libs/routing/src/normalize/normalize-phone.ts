import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/min';

/** Region used for numbers written without a country code (the CRM's home market). */
export const DEFAULT_PHONE_REGION = 'RU';

const MAX_PHONE_INPUT = 64;

function parse(text: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(text, DEFAULT_PHONE_REGION);
}

/**
 * A phone as any platform or person writes it → E.164 (`+79001234567`), or null when it is not a phone number.
 *
 * Russian numbers are one number in every usual spelling: `8 (900) 123-45-67`, `89001234567`, `79001234567`,
 * `+7 900 123 45 67`, `9001234567`. Numbers of other countries need their country code, with or without `+`
 * (WhatsApp's wa_id has none: `380501234567`).
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  // Senders write many messages: the parse (the costly part) is remembered per spelling, in a bounded memo.
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const e164 = parseToE164(raw);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(raw, e164);
  return e164;
}

const MEMO_SIZE = 50_000;
const memo = new Map<string, string | null>();

function parseToE164(raw: string): string | null {
  const text = raw.trim();
  if (!text || text.length > MAX_PHONE_INPUT || !/\d/.test(text)) return null;

  const asWritten = parse(text);
  if (asWritten?.isValid()) return asWritten.number;

  // International without the '+' (wa_id, VK, copy-paste): try the digits as a full international number.
  const digits = text.replace(/\D/g, '');
  if (!text.startsWith('+') && digits.length >= 8) {
    const international = parse(`+${digits}`);
    if (international?.isValid()) return international.number;
  }
  // Not in the (possibly outdated) metadata as valid, but of a possible length for its country: still a phone.
  if (asWritten?.isPossible()) return asWritten.number;
  return null;
}
