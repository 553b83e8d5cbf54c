import type { NormalizedText } from "../normalize/normalize.js";

/** Long-turn thresholds (SPEC §3): Chinese characters, Korean syllables, English words. */
export const OFF_TOPIC_MIN = { han: 60, hangul: 50, words: 40 } as const;

/** True when the turn is long by its script's measure. */
export function isLongTurn(norm: NormalizedText): boolean {
  return (
    norm.hanChars >= OFF_TOPIC_MIN.han ||
    norm.hangulSyllables >= OFF_TOPIC_MIN.hangul ||
    norm.allLatinWords >= OFF_TOPIC_MIN.words
  );
}
