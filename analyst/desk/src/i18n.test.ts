import { describe, expect, it } from "vitest";
import { catalogs, chooseLanguage, setLanguage, t } from "./i18n";

describe("desk catalogs", () => {
  it("every language has exactly the English keys, and the same placeholders", () => {
    const en = catalogs.en;
    for (const [lang, cat] of Object.entries(catalogs)) {
      expect(Object.keys(cat).sort(), lang).toEqual(Object.keys(en).sort());
      for (const k of Object.keys(en)) {
        const holes = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort();
        expect(holes(cat[k]), `${lang} ${k}`).toEqual(holes(en[k]));
      }
    }
  });

  it("picks the browser's language, English when it has none of ours", () => {
    expect(chooseLanguage(["zh-CN", "en"])).toBe("zh-Hans");
    expect(chooseLanguage(["zh-TW"])).toBe("zh-Hans");
    expect(chooseLanguage(["fr-FR", "en-GB"])).toBe("en");
    expect(chooseLanguage(["fr-FR"])).toBe("en");
    expect(chooseLanguage([])).toBe("en");
  });

  it("fills placeholders and falls back to English", () => {
    setLanguage("zh-Hans");
    expect(t("count", 3)).toBe("3 份举报");
    expect(t("page", 1, 50, 120)).toBe("第 1–50 份，共 120 份");
    setLanguage("xx");
    expect(t("count", 2)).toBe("2 reports");
    expect(t("no-such-key")).toBe("no-such-key");
  });
});
