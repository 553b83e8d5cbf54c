import * as OpenCC from "opencc-js";

/** Marks a code unit that normalisation drops (apostrophes, zero-width marks, 嗯/呃 fillers). */
export const DROP = 0;
export const SPACE = 0x20;

/**
 * One entry per UTF-16 code unit: what it becomes after NFKC, full-width →
 * half-width, case folding and Traditional → Simplified. Built once at
 * lexicon compile time (≈0.5 s, mostly OpenCC) so that per-chunk
 * normalisation is a table lookup per code unit instead of `normalize()` and
 * an OpenCC call (5–35 µs per chunk, see PERFORMANCE.md).
 */
export interface FoldTable {
  /** Folded code unit, `DROP`, or `SPACE` for any whitespace. */
  fold: Uint16Array;
  /** 1 where the code unit is a Traditional character folded to a different Simplified one. */
  traditional: Uint8Array;
}

const DROPPED = new Set([
  0x27, 0x2019, 0x2018, 0x60, 0xb4, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x55ef, 0x5443,
]); // ' ’ ‘ ` ´ zero-widths 嗯 呃

export function buildFoldTable(): FoldTable {
  const fold = new Uint16Array(0x10000);
  const traditional = new Uint8Array(0x10000);
  const hk = OpenCC.Converter({ from: "hk", to: "cn" });
  const tw = OpenCC.Converter({ from: "tw", to: "cn" });
  for (let c = 0; c < 0x10000; c++) {
    fold[c] = c;
    if (c >= 0xd800 && c <= 0xdfff) continue; // surrogate halves pass through
    if (DROPPED.has(c)) {
      fold[c] = DROP;
      continue;
    }
    const ch = String.fromCharCode(c);
    if (/\s/u.test(ch) || c < 0x20 || c === 0x7f) {
      fold[c] = SPACE;
      continue;
    }
    // Hangul compatibility jamo (ㅅㅂ) stay as typed: NFKC would turn them into conjoining jamo.
    let f = c >= 0x3130 && c <= 0x318f ? ch : ch.normalize("NFKC").toLowerCase();
    if (f.length !== 1) f = ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch;
    const fc = f.charCodeAt(0);
    if (/\s/u.test(f)) {
      fold[c] = SPACE;
      continue;
    }
    if ((fc >= 0x3400 && fc <= 0x4dbf) || (fc >= 0x4e00 && fc <= 0x9fff) || (fc >= 0xf900 && fc <= 0xfaff)) {
      const s = tw(hk(f));
      if (s.length === 1 && s !== f) {
        fold[c] = s.charCodeAt(0);
        traditional[c] = 1;
        continue;
      }
    }
    fold[c] = fc;
  }
  return { fold, traditional };
}

/** Only the entries that differ from identity, for the compiled lexicon file. */
export function serializeFoldTable(t: FoldTable): { fold: number[]; traditional: number[] } {
  const fold: number[] = [];
  const traditional: number[] = [];
  for (let c = 0; c < 0x10000; c++) {
    if (t.fold[c] !== c) fold.push(c, t.fold[c] ?? c);
    if (t.traditional[c]) traditional.push(c);
  }
  return { fold, traditional };
}

export function deserializeFoldTable(s: { fold: number[]; traditional: number[] }): FoldTable {
  const fold = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) fold[c] = c;
  for (let i = 0; i + 1 < s.fold.length; i += 2) fold[s.fold[i] as number] = s.fold[i + 1] as number;
  const traditional = new Uint8Array(0x10000);
  for (const c of s.traditional) traditional[c] = 1;
  return { fold, traditional };
}
