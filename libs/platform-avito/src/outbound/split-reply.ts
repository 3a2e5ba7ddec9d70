/** Avito's limit on one text message (PLATFORMS.md §4). Counted in UTF-16 units: never more than Avito's characters. */
export const AVITO_TEXT_LIMIT = 1000;

/** Boundaries a cut prefers, best first: a paragraph, a line, the end of a sentence, a space. */
const BREAKS: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[.!?…](\s)/g, /\s/g];

/**
 * An agent's reply → the texts to send, in order, each at most `limit` long. A cut prefers the best boundary in the
 * last 40% of a part (so parts stay long), else cuts hard (never inside a surrogate pair). Whitespace at the cuts is
 * dropped (Avito refuses empty texts); the parts joined with a space read as the reply.
 */
export function splitReply(text: string, limit: number = AVITO_TEXT_LIMIT): string[] {
  if (limit < 2) throw new Error('splitReply: limit must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    if (part.length > 0) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function cutPoint(text: string, limit: number): number {
  const from = Math.floor(limit * 0.6);
  const window = text.slice(from, limit + 1);
  for (const pattern of BREAKS) {
    let last = -1;
    for (const m of window.matchAll(pattern)) {
      // Cut after the sentence mark (keep it with its sentence), before the whitespace otherwise.
      const at = m.index + (m[1] !== undefined ? m[0].length - m[1].length : 0);
      if (from + at <= limit && at > 0) last = at;
    }
    if (last > 0) return from + last;
  }
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
