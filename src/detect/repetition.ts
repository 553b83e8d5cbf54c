import { distance } from "fastest-levenshtein";

/** How many of the customer's recent final utterances a new one is compared with. */
const RECENT = 5;
/** Longer utterances are compared on their first code units only (bounded cost and state). */
const MAX_UNITS = 120;
const MIN_UNITS = 6;
export const SIMILARITY = 0.8;
/** The same complaint phrase this many times is repetition too. */
const SAME_PHRASE_TIMES = 3;
const MAX_TRACKED_PHRASES = 64;
const BUCKETS = 32;

/**
 * Repetition over the customer's recent final utterances, in bounded state.
 *
 * fastest-levenshtein costs ~3.5 µs per chunk against five utterances
 * (PERFORMANCE.md), more than the whole rest of the analyzer, so two exact
 * lower bounds on the edit distance rule out most pairs first: the length
 * difference, and half the L1 distance between 32-bucket character
 * histograms (a substitution moves at most 2 units of it, an insertion or
 * deletion 1). Only pairs that could still reach 0.8 similarity are compared.
 */
export class RepetitionTracker {
  private readonly units = new Uint16Array(RECENT * MAX_UNITS);
  private readonly lengths = new Int32Array(RECENT);
  private readonly histograms = new Uint8Array(RECENT * BUCKETS);
  private readonly current = new Uint8Array(BUCKETS);
  private stored = 0;
  private readonly phraseCounts = new Map<number, number>();

  /** Similarity ≥ 0.8 with a recent utterance: returns the similarity, else 0. Records the utterance. */
  observe(buf: Uint16Array, length: number): number {
    const n = Math.min(length, MAX_UNITS);
    if (n < MIN_UNITS) return 0;
    const h = this.current;
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const b = (buf[i] as number) & (BUCKETS - 1);
      if ((h[b] as number) < 255) h[b] = (h[b] as number) + 1;
    }
    let best = 0;
    let text: string | undefined;
    const count = Math.min(this.stored, RECENT);
    for (let r = 0; r < count; r++) {
      const m = this.lengths[r] as number;
      const longest = n > m ? n : m;
      const maxDistance = (1 - SIMILARITY) * longest;
      if (Math.abs(n - m) > maxDistance) continue;
      const limit = 2 * maxDistance;
      let l1 = 0;
      for (let b = 0; b < BUCKETS && l1 <= limit; b++)
        l1 += Math.abs((h[b] as number) - (this.histograms[r * BUCKETS + b] as number));
      if (l1 > limit) continue;
      text ??= String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
      const prev = String.fromCharCode.apply(
        null,
        this.units.subarray(r * MAX_UNITS, r * MAX_UNITS + m) as unknown as number[],
      );
      const sim = 1 - distance(prev, text) / longest;
      if (sim > best) best = sim;
    }
    const slot = this.stored % RECENT;
    this.units.set(buf.subarray(0, n), slot * MAX_UNITS);
    this.lengths[slot] = n;
    this.histograms.set(h, slot * BUCKETS);
    this.stored++;
    return best >= SIMILARITY ? best : 0;
  }

  /** Counts a complaint phrase (by term id); true on its third and later occurrence. */
  countPhrase(term: number): boolean {
    const n = (this.phraseCounts.get(term) ?? 0) + 1;
    if (n === 1 && this.phraseCounts.size >= MAX_TRACKED_PHRASES) return false;
    this.phraseCounts.set(term, n);
    return n >= SAME_PHRASE_TIMES;
  }
}
