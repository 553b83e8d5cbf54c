import { distance } from "fastest-levenshtein";

/** How many of the customer's recent final utterances a new one is compared with. */
const RECENT = 5;
/** Longer utterances are compared on their first characters only (bounded cost). */
const MAX_CHARS = 120;
const MIN_CHARS = 6;
export const SIMILARITY = 0.8;
/** The same complaint phrase this many times is repetition too. */
const SAME_PHRASE_TIMES = 3;
const MAX_TRACKED_PHRASES = 64;

/** Repetition over the customer's recent final utterances (fastest-levenshtein), in bounded state. */
export class RepetitionTracker {
  private readonly recent: string[] = [];
  private readonly phraseCounts = new Map<number, number>();

  /** Similarity ≥ 0.8 with a recent utterance: returns the similarity, else 0. Records the utterance. */
  observe(normalized: string): number {
    const text = normalized.length > MAX_CHARS ? normalized.slice(0, MAX_CHARS) : normalized;
    let best = 0;
    if (text.length >= MIN_CHARS) {
      for (const prev of this.recent) {
        const longest = Math.max(prev.length, text.length);
        const sim = 1 - distance(prev, text) / longest;
        if (sim > best) best = sim;
      }
      this.recent.push(text);
      if (this.recent.length > RECENT) this.recent.shift();
    }
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
