import { AhoCorasick } from "../matcher/automaton.js";
import { deserializeFoldTable, type FoldTable } from "../normalize/fold-table.js";
import { isWordUnit } from "../normalize/normalize.js";
import { SpellingIndex } from "../normalize/spelling.js";
import { AGENT_KINDS, CUSTOMER_KINDS, type LexiconKind, SUPPORT_KINDS, type ThreatTarget } from "../types.js";
import type { CompiledLexicon, CompiledTerm } from "./compile.js";

/** Every kind a term can have, by numeric id (the index). */
export const KINDS: readonly LexiconKind[] = [...CUSTOMER_KINDS, ...AGENT_KINDS, ...SUPPORT_KINDS].filter(
  (k) => k !== "fast_speech" && k !== "interruption" && k !== "repetition" && k !== "off_topic",
) as LexiconKind[];
export const KIND_ID: Readonly<Record<LexiconKind, number>> = Object.fromEntries(
  KINDS.map((k, i) => [k, i]),
) as Record<LexiconKind, number>;

export const TERM_NEGATABLE = 1;
export const TERM_BLOCK = 2;
export const TERM_NEG_BEFORE = 4;
export const TERM_NEG_AFTER = 8;
/** A bare one- or two-character Chinese/Korean noun of an action kind (退款, 律师, 소송): needs an intent cue nearby. */
export const TERM_BARE = 16;
const ACTION_KINDS = new Set(["escalation_threat", "compensation_demand", "churn_threat"]);

/** Pattern edge flags: an English word character at the start/end must sit on a word boundary. */
export const EDGE_START = 1;
export const EDGE_END = 2;

/**
 * The runtime lexicon: the fold table, one automaton for every kind and
 * language, and per-term data in typed arrays indexed by term id. Built once
 * per analyzer; immutable and shared by every call.
 */
export class Lexicon {
  readonly fold: FoldTable;
  readonly matcher: AhoCorasick;
  readonly spelling: SpellingIndex;
  readonly terms: readonly CompiledTerm[];
  readonly termKind: Uint8Array;
  readonly termWeight: Float32Array;
  readonly termFlags: Uint8Array;
  readonly termSeverity: Uint8Array;
  /** For gap phrases: the slot that remembers where the part before the gap was seen, else -1. */
  readonly termGapSlot: Int32Array;
  readonly gapSlots: number;
  readonly patternTerm: Int32Array;
  readonly patternPart: Uint8Array;
  readonly patternEdges: Uint8Array;
  /** Time spent turning the compiled list into the automaton. */
  readonly buildMs: number;

  constructor(compiled: CompiledLexicon) {
    const t0 = performance.now();
    this.fold = deserializeFoldTable(compiled.fold);
    this.terms = compiled.terms;
    const n = compiled.terms.length;
    this.termKind = new Uint8Array(n);
    this.termWeight = new Float32Array(n);
    this.termFlags = new Uint8Array(n);
    this.termSeverity = new Uint8Array(n);
    this.termGapSlot = new Int32Array(n).fill(-1);
    let slots = 0;
    compiled.terms.forEach((t, i) => {
      const kind = KIND_ID[t.kind];
      if (kind === undefined) throw new Error(`unknown kind ${t.kind}`);
      this.termKind[i] = kind;
      this.termWeight[i] = t.weight;
      this.termSeverity[i] = t.severity ?? 2;
      let flags = 0;
      if (t.negatable) flags |= TERM_NEGATABLE;
      if (t.block) flags |= TERM_BLOCK;
      if (t.scope === "before" || t.scope === "both") flags |= TERM_NEG_BEFORE;
      if (t.scope === "after" || t.scope === "both") flags |= TERM_NEG_AFTER;
      const core = t.phrase.replace(/\s+/g, "");
      if (
        ACTION_KINDS.has(t.kind) &&
        !t.gap &&
        core.length <= 2 &&
        /^(\p{Script=Han}|\p{Script=Hangul})+$/u.test(core)
      )
        flags |= TERM_BARE;
      this.termFlags[i] = flags;
      if (t.gap) this.termGapSlot[i] = slots++;
    });
    this.gapSlots = slots;
    const texts = compiled.patterns.map((p) => p[0]);
    this.patternTerm = Int32Array.from(compiled.patterns.map((p) => p[1]));
    this.patternPart = Uint8Array.from(compiled.patterns.map((p) => p[2]));
    this.patternEdges = Uint8Array.from(
      texts.map(
        (t) =>
          (isWordUnit(t.charCodeAt(0)) ? EDGE_START : 0) |
          (isWordUnit(t.charCodeAt(t.length - 1)) ? EDGE_END : 0),
      ),
    );
    this.matcher = new AhoCorasick(texts);
    const dict = Buffer.from(compiled.dictionary ?? "", "base64");
    this.spelling = new SpellingIndex(
      compiled.spellingWords ?? [],
      new Uint32Array(dict.buffer, dict.byteOffset, dict.byteLength / 4),
    );
    this.buildMs = performance.now() - t0;
  }

  target(term: number): ThreatTarget | undefined {
    return this.terms[term]?.target;
  }

  /** Pattern and term counts per language and kind, for the README and the closing note. */
  stats(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const t of this.terms) {
      const byKind = out[t.lang] ?? {};
      out[t.lang] = byKind;
      byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
    }
    return out;
  }
}
