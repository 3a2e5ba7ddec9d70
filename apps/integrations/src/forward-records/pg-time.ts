/**
 * Epoch ms of a timestamptz as node-postgres returns it: a Date, or ±Infinity for '±infinity' (the api queues
 * records and resumes integrations with '-infinity': due at once whatever the service's clock says). Infinite
 * values become 0 / MAX_SAFE_INTEGER so they survive being written back as a Date.
 */
export function epochMs(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : value === '-infinity' ? -Infinity : Date.parse(value);
  if (Number.isFinite(ms)) return ms;
  return ms > 0 ? Number.MAX_SAFE_INTEGER : 0;
}
