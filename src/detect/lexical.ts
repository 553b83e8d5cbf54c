import {
  EDGE_END,
  EDGE_START,
  KIND_ID,
  KINDS,
  type Lexicon,
  TERM_BARE,
  TERM_BLOCK,
  TERM_NEG_AFTER,
  TERM_NEG_BEFORE,
  TERM_NEGATABLE,
} from "../lexicon/lexicon.js";
import { isWordUnit, type NormalizedText } from "../normalize/normalize.js";

/** At most this many matches are kept per chunk (adversarial text cannot make a chunk's work unbounded). */
export const MAX_MATCHES_PER_CHUNK = 256;
/** How far apart the two sides of a gap phrase may be: characters (zh, ko) or, for English, characters ≈ 6 words. */
const GAP_WINDOW_CJK = 10;
const GAP_WINDOW_LATIN = 40;
/** How far a negation cue reaches: characters (zh, ko), or English words. */
const NEG_WINDOW_CJK = 4;
/** Intent must sit closer: 给我退款, 去法院起诉 — not 想查一下退款. */
const INTENT_WINDOW_CJK = 2;
const NEG_WINDOW_WORDS = 3;
/** How far an intensifier reaches forward to the word it strengthens. */
const INTENSIFIER_WINDOW_CJK = 3;
const INTENSIFIER_WINDOW_WORDS = 1;

const K_NEGATION = KIND_ID.negation;
const K_INTENT = KIND_ID.intent;
const K_SENTIMENT = KIND_ID.sentiment;
const K_INTENSIFIER = KIND_ID.intensifier;
const K_DOMAIN = KIND_ID.domain;

/** Kinds that a longer match of a more specific kind around them replaces. */
const GENERIC = new Set([KIND_ID.demand, KIND_ID.venting, KIND_ID.urgency]);
const SPECIFIC = new Set(
  (
    [
      "demand",
      "venting",
      "urgency",
      "insult",
      "escalation_threat",
      "manager_request",
      "churn_threat",
      "compensation_demand",
      "sympathy_seeking",
      "improvement_request",
      "harassment",
      "contradiction",
      "hangup_refusal",
    ] as const
  ).map((k) => KIND_ID[k]),
);

function isClauseBreak(c: number): boolean {
  // , . ? ! ; : 。 、 and the gap mark
  return (
    c === 0x2c ||
    c === 0x2e ||
    c === 0x3f ||
    c === 0x21 ||
    c === 0x3b ||
    c === 0x3a ||
    c === 0x3002 ||
    c === 0x3001
  );
}

/**
 * Scans one normalised chunk with the lexicon automaton and resolves what the
 * matches mean: word boundaries, gap phrases, look-alike blocks, negation and
 * intensifiers. Results live in reused typed arrays (`kindWeight`,
 * `kindMatch`, …) until the next `scan`.
 */
export class LexicalScanner {
  readonly matchTerm = new Int32Array(MAX_MATCHES_PER_CHUNK);
  readonly matchStart = new Int32Array(MAX_MATCHES_PER_CHUNK);
  readonly matchEnd = new Int32Array(MAX_MATCHES_PER_CHUNK);
  private readonly matchLive = new Uint8Array(MAX_MATCHES_PER_CHUNK);
  matchCount = 0;
  /** Strongest surviving weight per kind in this chunk (0 = none), and the match that gave it. */
  readonly kindWeight = new Float32Array(KINDS.length);
  readonly kindMatch = new Int32Array(KINDS.length);
  /** Bit i set when kind i was found (cheap "anything found?" test). */
  foundMask = 0;
  /** Sum of sentiment valences (−1..1 each) after negation and intensifiers; and how many. */
  valence = 0;
  valenceCount = 0;
  domainHits = 0;

  private readonly gapGen: Int32Array;
  private readonly gapStart: Int32Array;
  private readonly gapEnd: Int32Array;
  private gen = 0;
  private buf: Uint16Array = new Uint16Array(0);
  private softBreak: Uint8Array = new Uint8Array(0);
  private length = 0;
  private readonly sink: (pattern: number, start: number, end: number) => void;

  constructor(private readonly lexicon: Lexicon) {
    this.gapGen = new Int32Array(lexicon.gapSlots);
    this.gapStart = new Int32Array(lexicon.gapSlots);
    this.gapEnd = new Int32Array(lexicon.gapSlots);
    this.sink = (p, s, e) => this.onMatch(p, s, e);
  }

  scan(norm: NormalizedText): this {
    this.gen++;
    this.matchCount = 0;
    this.foundMask = 0;
    this.kindWeight.fill(0);
    this.valence = 0;
    this.valenceCount = 0;
    this.domainHits = 0;
    this.buf = norm.buf;
    this.softBreak = norm.softBreak;
    this.length = norm.length;
    this.lexicon.matcher.scan(norm.buf, norm.length, this.sink);
    if (this.matchCount > 0) this.resolve();
    return this;
  }

  /** The term behind the strongest match of a kind found by the last scan. */
  termOf(kind: number): number {
    return this.matchTerm[this.kindMatch[kind] as number] as number;
  }

  private onMatch(pattern: number, start: number, end: number): void {
    const lx = this.lexicon;
    const edges = lx.patternEdges[pattern] as number;
    if (edges & EDGE_START && start > 0 && isWordUnit(this.buf[start - 1] as number)) return;
    if (edges & EDGE_END && end < this.length && isWordUnit(this.buf[end] as number)) return;
    const term = lx.patternTerm[pattern] as number;
    const part = lx.patternPart[pattern] as number;
    if (part !== 0) {
      const slot = lx.termGapSlot[term] as number;
      if (part === 1) {
        this.gapGen[slot] = this.gen;
        this.gapStart[slot] = start;
        this.gapEnd[slot] = end;
        return;
      }
      if (this.gapGen[slot] !== this.gen) return;
      const gapEnd = this.gapEnd[slot] as number;
      const window = isWordUnit(this.buf[start] as number) ? GAP_WINDOW_LATIN : GAP_WINDOW_CJK;
      if (gapEnd > start || start - gapEnd > window) return;
      start = this.gapStart[slot] as number;
    }
    const i = this.matchCount;
    if (i >= MAX_MATCHES_PER_CHUNK) return;
    this.matchTerm[i] = term;
    this.matchStart[i] = start;
    this.matchEnd[i] = end;
    this.matchLive[i] = 1;
    this.matchCount = i + 1;
  }

  /** True when a clause break or too much distance separates [from, to) in the normalised text. */
  private farApart(from: number, to: number, windowCjk = NEG_WINDOW_CJK): boolean {
    if (to < from) return true;
    let words = 0;
    const soft = this.softBreak;
    for (let k = from; k < to; k++) {
      const c = this.buf[k] as number;
      if (isClauseBreak(c) || (k > from && soft[k] === 1)) return true;
      if (c === 0x20) words++;
    }
    if (to > from && soft[to] === 1) return true;
    const latin =
      isWordUnit(this.buf[to] as number) || (from > 0 && isWordUnit(this.buf[from - 1] as number));
    return latin ? words > NEG_WINDOW_WORDS : to - from > windowCjk;
  }

  /** Is there a cue of `cueKind` (negation or intent) on the side its scope says, close enough, in the same clause? */
  private cued(i: number, cueKind: number): boolean {
    const lx = this.lexicon;
    const start = this.matchStart[i] as number;
    const end = this.matchEnd[i] as number;
    for (let j = 0; j < this.matchCount; j++) {
      if (!this.matchLive[j]) continue;
      const cue = this.matchTerm[j] as number;
      if (lx.termKind[cue] !== cueKind) continue;
      const flags = lx.termFlags[cue] as number;
      const cs = this.matchStart[j] as number;
      const ce = this.matchEnd[j] as number;
      const window = cueKind === K_INTENT ? INTENT_WINDOW_CJK : NEG_WINDOW_CJK;
      if (flags & TERM_NEG_BEFORE && ce <= start && !this.farApart(ce, start, window)) return true;
      if (flags & TERM_NEG_AFTER && cs >= end && !this.farApart(end, cs, window)) return true;
    }
    return false;
  }

  private intensity(i: number): number {
    const lx = this.lexicon;
    const start = this.matchStart[i] as number;
    for (let j = 0; j < this.matchCount; j++) {
      const t = this.matchTerm[j] as number;
      if (!this.matchLive[j] || lx.termKind[t] !== K_INTENSIFIER) continue;
      const ce = this.matchEnd[j] as number;
      if (ce > start) continue;
      let words = 0;
      let broke = false;
      for (let k = ce; k < start; k++) {
        const c = this.buf[k] as number;
        if (c === 0x20) words++;
        else if (isClauseBreak(c)) broke = true;
      }
      const latin = isWordUnit(this.buf[start] as number);
      if (!broke && (latin ? words <= INTENSIFIER_WINDOW_WORDS : start - ce <= INTENSIFIER_WINDOW_CJK))
        return lx.termWeight[t] as number;
    }
    return 1;
  }

  private resolve(): void {
    const lx = this.lexicon;
    const n = this.matchCount;
    // Look-alikes: a block phrase hides the matches of its own kind inside its span (多媒体 hides 媒体).
    for (let b = 0; b < n; b++) {
      const bt = this.matchTerm[b] as number;
      if (!((lx.termFlags[bt] as number) & TERM_BLOCK)) continue;
      const kind = lx.termKind[bt];
      const bs = this.matchStart[b] as number;
      const be = this.matchEnd[b] as number;
      this.matchLive[b] = 0;
      for (let j = 0; j < n; j++) {
        if (
          j !== b &&
          lx.termKind[this.matchTerm[j] as number] === kind &&
          (this.matchStart[j] as number) >= bs &&
          (this.matchEnd[j] as number) <= be
        )
          this.matchLive[j] = 0;
      }
    }
    // Generic kinds yield to a longer, more specific match around them:
    // "you need to" (demand) inside "you need to fix your" (improvement_request).
    for (let g = 0; g < n; g++) {
      if (!this.matchLive[g] || !GENERIC.has(lx.termKind[this.matchTerm[g] as number] as number)) continue;
      const gs = this.matchStart[g] as number;
      const ge = this.matchEnd[g] as number;
      for (let j = 0; j < n; j++) {
        const kj = lx.termKind[this.matchTerm[j] as number] as number;
        if (
          j === g ||
          !this.matchLive[j] ||
          !SPECIFIC.has(kj) ||
          kj === lx.termKind[this.matchTerm[g] as number]
        )
          continue;
        const js = this.matchStart[j] as number;
        const je = this.matchEnd[j] as number;
        if (js <= gs && je >= ge && je - js > ge - gs) {
          this.matchLive[g] = 0;
          break;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      if (!this.matchLive[i]) continue;
      const term = this.matchTerm[i] as number;
      const kind = lx.termKind[term] as number;
      if (kind === K_NEGATION || kind === K_INTENT || kind === K_INTENSIFIER) continue;
      const negatable = ((lx.termFlags[term] as number) & TERM_NEGATABLE) !== 0;
      const isNegated = negatable && this.cued(i, K_NEGATION);
      // A bare noun (退款, 律师, 소송) is only a demand or threat with intent next to it (我要退款, 소송 걸 거예요).
      if ((lx.termFlags[term] as number) & TERM_BARE && !this.cued(i, K_INTENT)) continue;
      if (kind === K_SENTIMENT) {
        const v = (lx.termWeight[term] as number) * this.intensity(i);
        this.valence += isNegated ? -0.5 * v : v;
        this.valenceCount++;
        continue;
      }
      if (isNegated) continue;
      if (kind === K_DOMAIN) {
        this.domainHits++;
        continue;
      }
      const w = lx.termWeight[term] as number;
      if (w > (this.kindWeight[kind] as number)) {
        this.kindWeight[kind] = w;
        this.kindMatch[kind] = i;
        this.foundMask |= 1 << kind;
      }
    }
  }
}
