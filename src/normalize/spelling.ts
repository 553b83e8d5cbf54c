import type { NormalizedText } from "./normalize.js";

/**
 * English misspellings at edit distance 1 (SPEC §2), corrected in the
 * normalised text before matching, so every lexicon phrase tolerates them
 * without one automaton pattern per misspelling (that multiplied the
 * automaton by ten: 66k patterns, 0.7 s to build).
 *
 * A symmetric-delete index (SymSpell's idea): every lexicon word of 6+
 * letters and each of its one-letter deletions are keyed by a 32-bit
 * polynomial hash. A chunk word of 5+ letters that is neither a lexicon word
 * nor any English word (the dictionary's hashes, a sorted array built at
 * compile time: "manger" stays "manger") is looked up with its own deletions —
 * all n of them hashed in O(n) from prefix hashes — and a candidate is
 * confirmed with an exact edit-distance check. No allocation unless a
 * correction is made.
 */
export class SpellingIndex {
  private readonly exact = new Map<number, number>();
  private readonly deletions = new Map<number, number[]>();
  private readonly candidates: number[] = [];
  private readonly fixes: { start: number; end: number; word: string }[] = [];
  private readonly prefix = new Int32Array(MAX_WORD + 1);
  /** One bit per (hash & BLOOM_MASK) of every key in `exact` and `deletions`: most probes end here. */
  private readonly bloom = new Uint32Array((BLOOM_MASK + 1) / 32);

  /**
   * @param words lexicon words to correct to
   * @param dictionary sorted hashes of English words, never corrected
   */
  constructor(
    private readonly words: readonly string[],
    private readonly dictionary: Uint32Array,
  ) {
    words.forEach((w, id) => {
      this.exact.set(hashWord(w), id);
      this.mark(hashWord(w));
      for (let i = 0; i < w.length; i++) {
        const h = hashWord(w.slice(0, i) + w.slice(i + 1));
        this.mark(h);
        const list = this.deletions.get(h);
        if (list) list.push(id);
        else this.deletions.set(h, [id]);
      }
    });
  }

  get size(): number {
    return this.words.length;
  }

  private mark(h: number): void {
    const b = h & BLOOM_MASK;
    this.bloom[b >>> 5] = (this.bloom[b >>> 5] as number) | (1 << (b & 31));
  }

  private maybe(h: number): boolean {
    const b = h & BLOOM_MASK;
    return (((this.bloom[b >>> 5] as number) >>> (b & 31)) & 1) === 1;
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
        if (len <= 4 && FILLERS.has(hashBuf(buf, start, i))) {
          // "i want a um refund" matches "i want a refund": the filler goes with one of its spaces.
          if (i < n && buf[i] === 0x20) this.fixes.push({ start, end: i + 1, word: "" });
          else if (start > 0 && buf[start - 1] === 0x20)
            this.fixes.push({ start: start - 1, end: i, word: "" });
        } else if (
          len >= 5 &&
          len <= MAX_WORD &&
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
    const n = end - start;
    const pre = this.prefix;
    pre[0] = 0;
    for (let k = 0; k < n; k++)
      pre[k + 1] = (Math.imul(pre[k] as number, BASE) + (buf[start + k] as number)) | 0;
    const h = (pre[n] as number) >>> 0;
    if (this.exact.has(h) || contains(this.dictionary, h)) return;
    const cands = this.candidates;
    cands.length = 0;
    if (this.maybe(h)) {
      const del = this.deletions.get(h);
      if (del) for (const d of del) cands.push(d);
    }
    for (let i = 0; i < n; i++) {
      // hash of the word without its i-th letter, from the prefix hashes
      const tail = n - i - 1;
      const suffix = ((pre[n] as number) - Math.imul(pre[i + 1] as number, POW[tail] as number)) | 0;
      const hs = (Math.imul(pre[i] as number, POW[tail] as number) + suffix) >>> 0;
      if (!this.maybe(hs)) continue;
      const w = this.exact.get(hs);
      if (w !== undefined) cands.push(w);
      const d = this.deletions.get(hs);
      if (d) for (const x of d) cands.push(x);
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

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const MAX_WORD = 24;
const BLOOM_MASK = (1 << 20) - 1;
const BASE = 0x01000193;
/** BASE^k mod 2^32. */
const POW = new Int32Array(MAX_WORD + 1);
POW[0] = 1;
for (let k = 1; k <= MAX_WORD; k++) POW[k] = Math.imul(POW[k - 1] as number, BASE);

/** Polynomial hash mod 2^32 of a lower-case word (the same as `check` computes from the buffer). */
export function hashWord(w: string): number {
  let h = 0;
  for (let i = 0; i < w.length; i++) h = (Math.imul(h, BASE) + w.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** English filler words ASR writes out; "er" is left alone (the ER). */
const FILLERS = new Set(["um", "umm", "uh", "uhh", "uhm", "erm", "hmm", "mm", "mhm"].map(hashWord));

function hashBuf(buf: Uint16Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, BASE) + (buf[i] as number)) | 0;
  return h >>> 0;
}

function contains(sorted: Uint32Array, h: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v === h) return true;
    if (v < h) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
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
