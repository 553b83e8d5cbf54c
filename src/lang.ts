import type { Language } from "./types.js";

/** Maps a declared language tag (SPEC §2) to one of ours, or undefined when unknown. */
export function parseLanguageTag(tag: unknown): Language | undefined {
  if (typeof tag !== "string") return undefined;
  const t = tag.toLowerCase();
  if (
    t === "zh-hant" ||
    t.startsWith("zh-tw") ||
    t.startsWith("zh-hk") ||
    t.startsWith("zh-mo") ||
    t.includes("-hant")
  )
    return "zh-Hant";
  if (t === "zh" || t.startsWith("zh-") || t.startsWith("cmn") || t.startsWith("yue")) return "zh-Hans";
  if (t === "ko" || t.startsWith("ko-")) return "ko";
  if (t === "en" || t.startsWith("en-")) return "en";
  return undefined;
}

/** Lexicon folder for a language: zh-Hant is matched by the zh (Simplified) lexicon. */
export type LexiconLanguage = "zh" | "ko" | "en";
export const LEXICON_LANGUAGES: readonly LexiconLanguage[] = ["zh", "ko", "en"];
