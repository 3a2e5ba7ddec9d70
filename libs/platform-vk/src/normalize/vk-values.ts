// Small checks of values read from VK bodies, and the bounds of the inbound contract (LIMITS of @crm/contracts).

export const SHORT = 1000;
export const TEXT = 100_000;
export const MAX_ATTACHMENTS = 100;

export function isObject<T>(v: T | undefined | null): v is T & object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A unix time (seconds) a Date can hold. */
export function isUnixTime(v: unknown): v is number {
  return isId(v) && v >= 0 && v <= 8_640_000_000_000;
}

export function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
