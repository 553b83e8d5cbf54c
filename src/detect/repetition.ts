import { distance } from "fastest-levenshtein";

/** How many of the customer's recent final utterances a new one is compared with. */
const RECENT = 5;
/** Longer utterances are compared on their first code units only (bounded cost and state). */
const MAX_UNITS = 120;
const MIN_UNITS = 6;
export const SIMILARITY = 0.8;
/** The same complaint phrase this many times is repetition too. */
export const SAME_PHRASE_TIMES = 3;
const MAX_TRACKED_PHRASES = 64;
const BUCKETS = 64;
const SCRATCH_HISTOGRAM = new Uint8Array(BUCKETS);
const SCRATCH_USED = new Uint8Array(MAX_UNITS);

/**
 * Repetition over the customer's recent final utterances, in bounded state.
 *
 * fastest-levenshtein costs ~3.5 µs per chunk against five utterances
 * (PERFORMANCE.md), more than the whole rest of the analyzer, so two exact
 * lower bounds on the edit distance rule out most pairs first: the length
 * difference, and a quarter of the L1 distance between 64-bucket histograms
 * of character bigrams (one edit takes out at most two bigrams and adds at
 * most two). Only pairs that could still reach 0.8 similarity are compared.
 */
export class RepetitionTracker {
  private readonly units = new Uint16Array(RECENT * MAX_UNITS);
  private readonly lengths = new Int32Array(RECENT);
  /** Bigram counts per stored utterance (≤ 119 bigrams each, so a byte suffices). */
  private readonly histograms = new Uint8Array(RECENT * BUCKETS);
  /** Scratch shared by every call: the current utterance's histogram (left zeroed) and its used buckets. */
  private readonly current = SCRATCH_HISTOGRAM;
  private readonly used = SCRATCH_USED;
  private stored = 0;
  private readonly phraseCounts = new Map<number, number>();

  /** Similarity ≥ 0.8 with a recent utterance: returns the similarity, else 0. Records the utterance. */
  observe(buf: Uint16Array, length: number): number {
    const n = Math.min(length, MAX_UNITS);
    if (n < MIN_UNITS) return 0;
    const h = this.current;
    const used = this.used;
    let usedCount = 0;
    // Bigram histogram: one edit changes at most 4 of its units (2 bigrams out, 2 in).
    for (let i = 1; i < n; i++) {
      const b = (Math.imul(buf[i - 1] as number, 31) + (buf[i] as number)) & (BUCKETS - 1);
      if (h[b] === 0) used[usedCount++] = b;
      h[b] = (h[b] as number) + 1;
    }
    let best = 0;
    let text: string | undefined;
    const count = this.stored < RECENT ? this.stored : RECENT;
    for (let r = 0; r < count; r++) {
      const m = this.lengths[r] as number;
      const longest = n > m ? n : m;
      const maxDistance = (1 - SIMILARITY) * longest;
      if (Math.abs(n - m) > maxDistance) continue;
      // Exact L1 from the buckets this utterance uses: Σ|h−p| over them, plus what the other holds elsewhere.
      const base = r * BUCKETS;
      let l1 = m - 1;
      for (let k = 0; k < usedCount; k++) {
        const b = used[k] as number;
        const p = this.histograms[base + b] as number;
        const q = h[b] as number;
        l1 += (q > p ? q - p : p - q) - p;
      }
      if (l1 > 4 * maxDistance) continue;
      text ??= String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
      const prev = String.fromCharCode.apply(
        null,
        this.units.subarray(r * MAX_UNITS, r * MAX_UNITS + m) as unknown as number[],
      );
      const sim = 1 - distance(prev, text) / longest;
      if (sim > best) best = sim;
    }
    const slot = this.stored % RECENT;
    const base = slot * BUCKETS;
    for (let b = 0; b < BUCKETS; b++) this.histograms[base + b] = 0;
    for (let k = 0; k < usedCount; k++) {
      const b = used[k] as number;
      this.histograms[base + b] = h[b] as number;
      h[b] = 0;
    }
    for (let i = 0; i < n; i++) this.units[slot * MAX_UNITS + i] = buf[i] as number;
    this.lengths[slot] = n;
    this.stored++;
    return best >= SIMILARITY ? best : 0;
  }

  /** Counts a complaint phrase (by term id); returns how many times it has been said (repetition from the third). */
  countPhrase(term: number): number {
    const n = (this.phraseCounts.get(term) ?? 0) + 1;
    if (n === 1 && this.phraseCounts.size >= MAX_TRACKED_PHRASES) return 1;
    this.phraseCounts.set(term, n);
    return n;
  }
}
