import { PRE_CHAT_FIELDS, type PreChatField, type PreChatForm } from './visitor-profile';

/**
 * The widget channel settings the visitor side uses, read tolerantly from the channel's `settings` jsonb (the api
 * validates them on write; here a missing or odd value falls back to a safe default rather than breaking the chat):
 * `{ allowedOrigins: string[], title?, greeting?, color?, preChat?: { fields: [...], required?: [...] } }`.
 */
export interface WidgetSettings {
  allowedOrigins: string[];
  title: string | null;
  greeting: string | null;
  /** `#rgb` / `#rrggbb` only — it ends up in CSS. */
  color: string | null;
  preChat: PreChatForm | null;
}

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, max) : null;
}

function fieldList(value: unknown): PreChatField[] {
  if (!Array.isArray(value)) return [];
  return PRE_CHAT_FIELDS.filter((f) => value.includes(f));
}

function readPreChat(value: unknown): PreChatForm | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  if (raw.enabled === false) return null;
  const fields = fieldList(raw.fields);
  if (fields.length === 0) return null;
  const required = fieldList(raw.required).filter((f) => fields.includes(f));
  return { fields, required };
}

export function readWidgetSettings(settings: unknown): WidgetSettings {
  const raw = settings !== null && typeof settings === 'object' && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
  const allowedOrigins = Array.isArray(raw.allowedOrigins) ? raw.allowedOrigins.filter((o): o is string => typeof o === 'string') : [];
  const color = typeof raw.color === 'string' && COLOR.test(raw.color.trim()) ? raw.color.trim().toLowerCase() : null;
  return {
    allowedOrigins,
    title: text(raw.title, 120),
    greeting: text(raw.greeting, 1000),
    color,
    preChat: readPreChat(raw.preChat),
  };
}
