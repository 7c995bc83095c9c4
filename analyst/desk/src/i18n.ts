// The desk's words, from its catalogs (../messages/*.json), never from code.
// en.json is the source; the other languages are compiled from the gettext
// catalogs translators work in (po/gongyou-analyst/<lang>.po, by
// scripts/desk-catalog.mjs through scripts/po update), with the same keys
// (checked by i18n.test.ts and by scripts/po check).
import en from "../messages/en.json";
import zhHans from "../messages/zh-Hans.json";

export type Catalog = Record<string, string>;
export const catalogs: Record<string, Catalog> = { en, "zh-Hans": zhHans };
export const languageNames: Record<string, string> = { en: "English", "zh-Hans": "简体中文" };

// The browser's preferred languages, in order, to one of ours (English if none).
export function chooseLanguage(preferred: readonly string[]): string {
  for (const p of preferred) {
    const tag = p.toLowerCase();
    if (tag.startsWith("zh")) return "zh-Hans";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

let current: Catalog = en;

export function setLanguage(lang: string): void {
  current = catalogs[lang] ?? en;
}

// The message `key` with {0}, {1}… replaced; English if this catalog lacks it.
export function t(key: string, ...args: (string | number)[]): string {
  const text = current[key] ?? (en as Catalog)[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (m, i) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}
