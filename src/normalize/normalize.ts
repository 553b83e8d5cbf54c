import type { Language } from "../types.js";
import { DROP, type FoldTable, SPACE } from "./fold-table.js";

/** a–z or 0–9 after folding: the characters that make English words. */
export function isWordUnit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

export function isHangul(c: number): boolean {
  return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3130 && c <= 0x318f) || (c >= 0x1100 && c <= 0x11ff);
}

export function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/**
 * One chunk after normalisation, with the map back to the original text and
 * the script statistics gathered in the same pass. The buffers are reused
 * chunk after chunk (no per-chunk allocation); read them before the next call
 * to `normalize`.
 */
export class NormalizedText {
  buf = new Uint16Array(256);
  /** `toOriginal[i]` is the UTF-16 index in the original text of normalised unit `i`. */
  toOriginal = new Int32Array(256);
  /**
   * 1 where a space was dropped between two Chinese characters: ASR puts a
   * space where a comma would be, so negation scope stops there (我不想听 叫你们主管来).
   */
  softBreak = new Uint8Array(256);
  private spareBuf = new Uint16Array(256);
  private spareMap = new Int32Array(256);
  length = 0;
  hanChars = 0;
  hangulSyllables = 0;
  /** Latin words of 2+ letters, and how many of them were written all upper-case. */
  latinWords = 0;
  upperWords = 0;
  /** Latin words of any length (speaking rate and off-topic length for English). */
  allLatinWords = 0;
  traditionalChars = 0;
  /** Longest run of `!` (after folding, so `！！` counts). */
  maxBangRun = 0;

  /**
   * Replaces word ranges (sorted, non-overlapping) by other words, keeping
   * the map to the original text: a replacement's units all point into the
   * original word they replace. Used for spelling corrections, which are rare.
   */
  replaceRanges(ranges: readonly { start: number; end: number; word: string }[]): void {
    const grow = ranges.reduce((n, r) => n + Math.max(0, r.word.length - (r.end - r.start)), 0);
    if (this.length + grow + 1 > this.spareBuf.length) {
      this.spareBuf = new Uint16Array(Math.max(this.buf.length, this.length + grow + 1));
      this.spareMap = new Int32Array(this.spareBuf.length);
    }
    const buf = this.spareBuf;
    const map = this.spareMap;
    let out = 0;
    let from = 0;
    for (const r of ranges) {
      for (let i = from; i < r.start; i++) {
        buf[out] = this.buf[i] as number;
        map[out++] = this.toOriginal[i] as number;
      }
      const first = this.toOriginal[r.start] as number;
      const last = this.toOriginal[r.end - 1] as number;
      for (let k = 0; k < r.word.length; k++) {
        buf[out] = r.word.charCodeAt(k);
        map[out++] = k === r.word.length - 1 ? last : Math.min(first + k, last);
      }
      from = r.end;
    }
    for (let i = from; i < this.length; i++) {
      buf[out] = this.buf[i] as number;
      map[out++] = this.toOriginal[i] as number;
    }
    // Swap the buffers: the old ones become the spare for the next rewrite (no allocation per chunk).
    this.spareBuf = this.buf;
    this.spareMap = this.toOriginal;
    this.buf = buf;
    this.toOriginal = map;
    this.length = out;
    // Corrections are English; positions moved, so the Chinese soft breaks are dropped rather than misplaced.
    if (this.softBreak.length < buf.length) this.softBreak = new Uint8Array(buf.length);
    else this.softBreak.fill(0, 0, out + 1);
  }

  /** The normalised text as a string (allocates: only for the few places that keep text). */
  text(): string {
    let s = "";
    for (let i = 0; i < this.length; i += 4096) {
      s += String.fromCharCode.apply(
        null,
        this.buf.subarray(i, Math.min(this.length, i + 4096)) as unknown as number[],
      );
    }
    return s;
  }

  /** The script the chunk is written in, from its own characters; undefined when it has none. */
  script(): Language | undefined {
    if (this.hangulSyllables > 0 && this.hangulSyllables >= this.hanChars) return "ko";
    if (this.hanChars > 0)
      return this.traditionalChars * 10 >= this.hanChars && this.traditionalChars > 0 ? "zh-Hant" : "zh-Hans";
    if (this.allLatinWords > 0) return "en";
    return undefined;
  }

  private grow(min: number): void {
    let n = this.buf.length;
    while (n < min) n *= 2;
    const b = new Uint16Array(n);
    b.set(this.buf);
    this.buf = b;
    const t = new Int32Array(n);
    t.set(this.toOriginal);
    this.toOriginal = t;
    this.softBreak = new Uint8Array(n);
  }

  /**
   * Folds `text` into `buf`: NFKC + case + Traditional → Simplified by table,
   * apostrophes and fillers dropped, and whitespace removed except a single
   * space between two English word characters — so Korean and Chinese
   * patterns match whatever the ASR's spacing, and English keeps its word
   * boundaries.
   */
  normalize(text: string, table: FoldTable): this {
    const fold = table.fold;
    const trad = table.traditional;
    if (text.length + 1 > this.buf.length) this.grow(text.length + 1);
    const buf = this.buf;
    const map = this.toOriginal;
    let n = 0;
    let pendingSpace = false;
    let han = 0;
    let hangul = 0;
    let tradChars = 0;
    let words = 0;
    let upperWords = 0;
    let allWords = 0;
    let wordLen = 0;
    let wordUpper = 0;
    let bang = 0;
    let maxBang = 0;
    let prev = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const f = fold[c] as number;
      if (f === DROP) continue;
      const letter = f >= 0x61 && f <= 0x7a;
      if (letter) {
        wordLen++;
        if ((c >= 0x41 && c <= 0x5a) || (c >= 0xff21 && c <= 0xff3a)) wordUpper++;
      } else if (wordLen > 0 && !(f >= 0x30 && f <= 0x39)) {
        allWords++;
        if (wordLen >= 2) {
          words++;
          if (wordUpper === wordLen) upperWords++;
        }
        wordLen = 0;
        wordUpper = 0;
      }
      // A comma inside English ("no, wait") matches like a space; in Chinese and Korean it stays.
      if (f === SPACE || (f === 0x2c && isWordUnit(prev))) {
        pendingSpace = n > 0;
        continue;
      }
      if (f === 0x21) {
        if (++bang > maxBang) maxBang = bang;
      } else bang = 0;
      let soft = 0;
      if (pendingSpace) {
        pendingSpace = false;
        if (isWordUnit(prev) && isWordUnit(f)) {
          buf[n] = SPACE;
          this.softBreak[n] = 0;
          map[n++] = i - 1;
        } else if (prev >= 0x4e00 && prev <= 0x9fff && f >= 0x4e00 && f <= 0x9fff) soft = 1;
      }
      this.softBreak[n] = soft;
      if (f >= 0x4e00 && f <= 0x9fff) {
        han++;
        tradChars += trad[c] as number;
      } else if (f >= 0xac00 && f <= 0xd7a3) hangul++;
      buf[n] = f;
      map[n++] = i;
      prev = f;
    }
    if (wordLen > 0) {
      allWords++;
      if (wordLen >= 2) {
        words++;
        if (wordUpper === wordLen) upperWords++;
      }
    }
    map[n] = text.length;
    this.length = n;
    this.hanChars = han;
    this.hangulSyllables = hangul;
    this.traditionalChars = tradChars;
    this.latinWords = words;
    this.upperWords = upperWords;
    this.allLatinWords = allWords;
    this.maxBangRun = maxBang;
    return this;
  }
}

/** Normalises a pattern or any short string with the same rules as the chunks (allocates; not for the hot path). */
export function normalizeString(text: string, table: FoldTable): string {
  return new NormalizedText().normalize(text, table).text();
}
