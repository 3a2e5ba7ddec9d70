/** A user-facing text in both languages of the API (Russian is the default; English by Accept-Language). */
export interface LocalizedText {
  ru: string;
  en: string;
}

export type Locale = keyof LocalizedText;

export function localize(text: LocalizedText, locale: Locale): string {
  return text[locale] ?? text.ru;
}
