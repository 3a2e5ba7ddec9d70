/**
 * Ordering of funnels and stages: positions are dense, 0-based. These pure helpers compute the new order of ids;
 * the store writes only the positions that changed.
 */

/** `ids` with `id` placed at `position` (clamped to the list; at the end when omitted). */
export function placeAt(ids: readonly string[], id: string, position?: number): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = position === undefined ? rest.length : Math.max(0, Math.min(position, rest.length));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/** `ids` without `id` (positions close up). */
export function without(ids: readonly string[], id: string): string[] {
  return ids.filter((x) => x !== id);
}
