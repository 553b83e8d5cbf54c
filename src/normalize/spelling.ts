import type { NormalizedText } from "./normalize.js";

/**
 * English misspellings at edit distance 1 (SPEC §2), corrected in the
 * normalised text before matching, so every lexicon phrase tolerates them
 * without one automaton pattern per misspelling (that multiplied the
 * automaton by ten: 66k patterns, 0.7 s to build).
 *
 * A symmetric-delete index (SymSpell's idea): every lexicon word of 6+
 * letters and each of its one-letter deletions are keyed by a 32-bit hash. A
 * chunk word of 5+ letters that is neither a lexicon word nor a real English
 * word close to one (`protectedWords`, computed at build time: "manger" stays
 * "manger") is looked up with its own deletions; a candidate is confirmed with
 * an exact edit-distance check. Cost: nothing for text without long unknown
 * Latin words; a few hash lookups for the rest; no allocation unless a
 * correction is made.
 */
export class SpellingIndex {
  private readonly exact = new Map<number, number>();
  private readonly deletions = new Map<number, number[]>();
  private readonly protectedHashes = new Set<number>();
  private readonly candidates: number[] = [];
  private readonly fixes: { start: number; end: number; word: string }[] = [];

  constructor(
    private readonly words: readonly string[],
    protectedWords: readonly string[],
  ) {
    words.forEach((w, id) => {
      this.exact.set(hashString(w, -1), id);
      for (let i = 0; i < w.length; i++) {
        const h = hashString(w, i);
        const list = this.deletions.get(h);
        if (list) list.push(id);
        else this.deletions.set(h, [id]);
      }
    });
    for (const p of protectedWords) this.protectedHashes.add(hashString(p, -1));
  }

  get size(): number {
    return this.words.length;
  }

  /** Rewrites misspelled words of `norm` in place and drops English fillers; returns how many words changed. */
  correct(norm: NormalizedText): number {
    if (norm.allLatinWords === 0 || this.words.length === 0) return 0;
    const buf = norm.buf;
    const n = norm.length;
    this.fixes.length = 0;
    let start = -1;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? (buf[i] as number) : 0;
      if (c >= 0x61 && c <= 0x7a) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        const len = i - start;
        if (len <= 4 && FILLERS.has(hashRange(buf, start, i, -1))) {
          // "i want a um refund" matches "i want a refund": the filler goes with one of its spaces.
          if (i < n && buf[i] === 0x20) this.fixes.push({ start, end: i + 1, word: "" });
          else if (start > 0 && buf[start - 1] === 0x20)
            this.fixes.push({ start: start - 1, end: i, word: "" });
        } else if (
          len >= 5 &&
          len <= 24 &&
          !isDigit(c) &&
          !(start > 0 && isDigit(buf[start - 1] as number))
        ) {
          // Digits glued to letters make no word.
          this.check(buf, start, i);
        }
        start = -1;
      }
    }
    if (this.fixes.length > 0) norm.replaceRanges(this.fixes);
    return this.fixes.length;
  }

  private check(buf: Uint16Array, start: number, end: number): void {
    const h = hashRange(buf, start, end, -1);
    if (this.exact.has(h) || this.protectedHashes.has(h)) return;
    const cands = this.candidates;
    cands.length = 0;
    const del = this.deletions.get(h);
    if (del) cands.push(...del);
    for (let skip = start; skip < end; skip++) {
      const hs = hashRange(buf, start, end, skip);
      const w = this.exact.get(hs);
      if (w !== undefined) cands.push(w);
      const d = this.deletions.get(hs);
      if (d) cands.push(...d);
    }
    if (cands.length === 0) return;
    const word = String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
    let best: string | undefined;
    for (const id of cands.sort((a, b) => a - b)) {
      const w = this.words[id] as string;
      if (w.length >= 6 && withinOneEdit(word, w)) {
        best = w;
        break;
      }
    }
    if (best) this.fixes.push({ start, end, word: best });
  }
}

/** English filler words ASR writes out; "er" is left alone (the ER). */
const FILLERS = new Set(
  ["um", "umm", "uh", "uhh", "uhm", "erm", "hmm", "mm", "mhm"].map((w) => hashString(w, -1)),
);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** FNV-1a over a word, leaving out the character at `skip` (-1: none). */
function hashString(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skip) continue;
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

function hashRange(buf: Uint16Array, start: number, end: number, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    if (i === skip) continue;
    h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  }
  return h >>> 0;
}

/** Optimal-string-alignment distance ≤ 1: one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
