import type { Language, Word } from "../types.js";

/** Fast speech thresholds (SPEC §3): units per second. */
export const RATE_LIMIT: Readonly<Record<Language, number>> = {
  "zh-Hans": 5.5,
  "zh-Hant": 5.5,
  ko: 7.5,
  en: 190 / 60,
};
/** Shorter utterances give no trustworthy rate. */
const MIN_DURATION_MS = 800;
const MIN_UNITS = 4;
/** Must also be this much above the speaker's own running baseline (once there is one). */
const ABOVE_BASELINE = 1.1;

/** Speaking duration from word timings when present, else from the chunk's start/end. */
export function speakingMs(
  startMs: number | undefined,
  endMs: number | undefined,
  words: Word[] | undefined,
): number {
  if (words && words.length > 0) {
    const a = words[0]?.startMs;
    const b = words[words.length - 1]?.endMs;
    if (typeof a === "number" && typeof b === "number" && b > a) return b - a;
  }
  return typeof startMs === "number" && typeof endMs === "number" ? endMs - startMs : 0;
}

/** One speaker's running mean rate (an EMA: constant state) and the fast-speech test against it. */
export class RateBaseline {
  private mean = 0;
  private samples = 0;

  /** Returns a weight (0 = not fast) and records the rate. */
  observe(units: number, durationMs: number, language: Language): number {
    if (durationMs < MIN_DURATION_MS || units < MIN_UNITS) return 0;
    const rate = units / (durationMs / 1000);
    const limit = RATE_LIMIT[language];
    const fast = rate > limit && (this.samples < 2 || rate > this.mean * ABOVE_BASELINE);
    this.mean = this.samples === 0 ? rate : this.mean * 0.7 + rate * 0.3;
    this.samples++;
    return fast ? Math.min(1, 0.5 + (rate / limit - 1)) : 0;
  }
}
