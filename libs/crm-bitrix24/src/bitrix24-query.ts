/** A value taken from an earlier sub-call of the same `batch`: `$result[key]` (optionally `[field]…`). */
export class BatchReference {
  constructor(readonly expression: string) {}

  static to(key: string, ...path: string[]): BatchReference {
    return new BatchReference(`$result[${key}]${path.map((p) => `[${p}]`).join('')}`);
  }
}

export type QueryValue = string | number | boolean | null | undefined | BatchReference | QueryValue[] | { [key: string]: QueryValue };

function encode(value: string): string {
  return encodeURIComponent(value);
}

function pairs(prefix: string, value: QueryValue, out: string[]): void {
  if (value === null || value === undefined) return;
  if (value instanceof BatchReference) {
    // Left literal: Bitrix24 substitutes `$result[...]` in the sub-call parameters.
    out.push(`${prefix}=${value.expression}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => pairs(`${prefix}[${i}]`, item, out));
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pairs(`${prefix}[${key}]`, item, out);
  } else {
    out.push(`${prefix}=${encode(typeof value === 'boolean' ? (value ? 'Y' : 'N') : String(value))}`);
  }
}

/**
 * A `batch` sub-command `method?params` with PHP-style nested parameters (`fields[PHONE][0][VALUE]=…`), as Bitrix24
 * reads them (PLATFORMS.md §5).
 */
export function batchCommand(method: string, params: Record<string, QueryValue>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) pairs(key, value, out);
  return out.length === 0 ? method : `${method}?${out.join('&')}`;
}
