import type { ChannelType } from '@crm/contracts';

/** What a platform message of a kind outside DESIGN §6's list carries that a reader could use. */
export interface ForeignKindParts {
  /** Text the platform gave with it (caption, link text, comment…). */
  text?: string;
  title?: string;
  url?: string;
  /** Price as the platform formats it ("1 500 ₽"). */
  price?: string;
  /** Other platform facts kept for the CRM (ids, call status…); never credentials. */
  details?: Record<string, unknown>;
}

/** The normalized form: `text` when there is something to read, else `unsupported`; the platform kind in `context`. */
export interface ForeignKind {
  kind: 'text' | 'unsupported';
  text?: string;
  context: Record<string, unknown>;
}

interface Rule {
  /** `text` = shown as a text message built from the parts; `unsupported` = shown as "unsupported message". */
  as: 'text' | 'unsupported';
  /** Key of `context` that keeps the parts (default: the platform kind). */
  contextKey?: string;
}

/**
 * THE table of platform message kinds outside DESIGN §6 (text|image|video|audio|voice|document|sticker|location|
 * contact are mapped by each normalizer directly). A kind that is not listed is `unsupported`. Add a platform's kinds
 * here, not in its normalizer.
 */
const RULES: Readonly<Partial<Record<ChannelType, Readonly<Record<string, Rule>>>>> = {
  avito: {
    link: { as: 'text' },
    item: { as: 'text' },
    call: { as: 'unsupported' },
    appCall: { as: 'unsupported', contextKey: 'call' },
    file: { as: 'unsupported' },
    video: { as: 'unsupported' },
    deleted: { as: 'unsupported' },
  },
  vk: {
    link: { as: 'text' },
    wall: { as: 'text' },
    wall_reply: { as: 'text', contextKey: 'wall' },
    market: { as: 'text', contextKey: 'item' },
    article: { as: 'text' },
    poll: { as: 'unsupported' },
    gift: { as: 'unsupported' },
    call: { as: 'unsupported' },
    podcast: { as: 'unsupported' },
  },
  whatsapp: {
    interactive: { as: 'text', contextKey: 'reply' },
    button: { as: 'text', contextKey: 'reply' },
    order: { as: 'unsupported' },
    reaction: { as: 'unsupported' },
    unsupported: { as: 'unsupported' },
  },
  telegram: {
    poll: { as: 'unsupported' },
    dice: { as: 'unsupported' },
    game: { as: 'unsupported' },
    story: { as: 'unsupported' },
    invoice: { as: 'unsupported' },
    paid_media: { as: 'unsupported' },
  },
};

/** Longest text built from the parts (the inbound contract's text limit is far larger; a listing is short). */
const MAX_TEXT = 4000;

/**
 * A platform kind outside DESIGN §6 → `text` (its readable parts joined: text, title, price, url) or `unsupported`,
 * with `context[<type>Kind]` naming the platform kind and `context[<key>]` keeping the parts, e.g.
 * foreignKind('avito', 'item', { title, url, price }) → { kind: 'text', text: 'title\nprice\nurl',
 * context: { avitoKind: 'item', item: { title, url, price } } }. Pure.
 */
export function foreignKind(channelType: ChannelType, platformKind: string, parts: ForeignKindParts = {}): ForeignKind {
  const rule = RULES[channelType]?.[platformKind] ?? { as: 'unsupported' as const };
  const readable = [parts.text, parts.title, parts.price, parts.url].map((p) => p?.trim()).filter((p): p is string => !!p);
  const unique = readable.filter((p, i) => readable.indexOf(p) === i);
  const kept = Object.fromEntries(
    Object.entries({ title: parts.title, url: parts.url, price: parts.price, ...parts.details }).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const context: Record<string, unknown> = { [`${channelType}Kind`]: platformKind };
  if (Object.keys(kept).length > 0) context[rule.contextKey ?? platformKind] = kept;
  if (rule.as === 'text' && unique.length > 0) return { kind: 'text', text: unique.join('\n').slice(0, MAX_TEXT), context };
  const text = parts.text?.trim() ? parts.text.slice(0, MAX_TEXT) : undefined;
  return { kind: 'unsupported', ...(text !== undefined ? { text } : {}), context };
}
