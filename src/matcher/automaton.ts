/**
 * Multi-pattern matcher: Aho–Corasick over UTF-16 code units, in typed arrays.
 *
 * Why not an npm package: at our lexicon size (~10k patterns) the best npm
 * Aho–Corasick packages run ~190k chunks/s, a plain code-unit trie ~1.8M
 * (PERFORMANCE.md). This one keeps the root's transitions in a dense
 * 65,536-entry table (most steps on ordinary text start at the root) and every
 * other edge in one open-addressing hash table, so a scan allocates nothing
 * and costs O(text length + matches) whatever the lexicon size.
 *
 * Resource usage: build is linear in the total pattern length; memory is
 * reported by `memoryBytes()` (≈ 20 bytes per trie node plus 256 KiB for the
 * root table).
 */

/** Anything that finds pattern ids in a normalised code-unit buffer. */
export interface Matcher {
  /**
   * Calls `onMatch(patternId, start, end)` for every occurrence (end exclusive)
   * in `buf[0..length)`, in order of `end`; at one end, longer patterns first.
   */
  scan(buf: Uint16Array, length: number, onMatch: MatchSink): void;
  readonly patternCount: number;
  memoryBytes(): number;
}

export type MatchSink = (patternId: number, start: number, end: number) => void;

export class AhoCorasick implements Matcher {
  readonly patternCount: number;
  private readonly rootNext: Int32Array;
  /**
   * Per state, 4 ints side by side so one cache line serves a step:
   * [fail, child mask, first state on the failure chain with outputs (-1 none), 0].
   * The child mask has bit (char & 31) set for each child: most misses never hash.
   */
  private readonly states: Int32Array;
  /** Nearest state on the failure chain (excluding itself) that has outputs, or -1. */
  private readonly dictLink: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outCount: Int32Array;
  private readonly outIds: Int32Array;
  private readonly patternLength: Int32Array;
  /** Non-root edges, open addressing, 4 ints per slot: [state (-1 empty), char, next, 0]. */
  private readonly edges: Int32Array;
  private readonly edgeMask: number;

  /** @param patterns non-empty strings; the index in the array is the pattern id. */
  constructor(patterns: readonly string[]) {
    this.patternCount = patterns.length;
    // Build a trie with Maps (build time only).
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    this.patternLength = new Int32Array(patterns.length);
    patterns.forEach((p, id) => {
      if (p.length === 0) throw new Error(`empty pattern ${id}`);
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        const m = children[s] as Map<number, number>;
        let t = m.get(c);
        if (t === undefined) {
          t = children.length;
          m.set(c, t);
          children.push(new Map());
          own.push([]);
        }
        s = t;
      }
      (own[s] as number[]).push(id);
      this.patternLength[id] = p.length;
    });
    const n = children.length;
    const fail = new Int32Array(n);
    const dictLink = new Int32Array(n).fill(-1);
    const rootNext = new Int32Array(0x10000);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const [c, t] of children[0] as Map<number, number>) {
      rootNext[c] = t;
      fail[t] = 0;
      queue[tail++] = t;
    }
    const step = (s: number, c: number): number => {
      while (s !== 0) {
        const t = (children[s] as Map<number, number>).get(c);
        if (t !== undefined) return t;
        s = fail[s] as number;
      }
      return rootNext[c] as number;
    };
    while (head < tail) {
      const s = queue[head++] as number;
      for (const [c, t] of children[s] as Map<number, number>) {
        const f = step(fail[s] as number, c);
        fail[t] = f;
        dictLink[t] = (own[f] as number[]).length > 0 ? f : (dictLink[f] as number);
        queue[tail++] = t;
      }
    }
    // Flatten outputs; longer patterns first at a state (they share its end).
    this.outStart = new Int32Array(n);
    this.outCount = new Int32Array(n);
    const ids: number[] = [];
    for (let s = 0; s < n; s++) {
      const o = own[s] as number[];
      this.outStart[s] = ids.length;
      this.outCount[s] = o.length;
      for (const id of o) ids.push(id);
    }
    this.outIds = Int32Array.from(ids);
    // Non-root edges into one open-addressing table (load ≤ 0.5).
    let edgeCount = 0;
    for (let s = 1; s < n; s++) edgeCount += (children[s] as Map<number, number>).size;
    let cap = 16;
    while (cap < edgeCount * 2) cap *= 2;
    this.edgeMask = cap - 1;
    this.edges = new Int32Array(cap * 4);
    for (let i = 0; i < cap; i++) this.edges[i * 4] = -1;
    this.states = new Int32Array(n * 4);
    for (let s = 0; s < n; s++) {
      this.states[s * 4] = fail[s] as number;
      this.states[s * 4 + 2] = (own[s] as number[]).length > 0 ? s : (dictLink[s] as number);
    }
    for (let s = 1; s < n; s++) {
      for (const [c, t] of children[s] as Map<number, number>) {
        this.states[s * 4 + 1] = (this.states[s * 4 + 1] as number) | (1 << (c & 31));
        let h = hash(s, c) & this.edgeMask;
        while (this.edges[h * 4] !== -1) h = (h + 1) & this.edgeMask;
        this.edges[h * 4] = s;
        this.edges[h * 4 + 1] = c;
        this.edges[h * 4 + 2] = t;
      }
    }
    this.rootNext = rootNext;
    this.dictLink = dictLink;
  }

  get stateCount(): number {
    return this.states.length / 4;
  }

  memoryBytes(): number {
    return (
      this.rootNext.byteLength +
      this.states.byteLength +
      this.dictLink.byteLength +
      this.outStart.byteLength +
      this.outCount.byteLength +
      this.outIds.byteLength +
      this.patternLength.byteLength +
      this.edges.byteLength
    );
  }

  /** Counts automaton steps, for tests that prove the work is linear in the text. */
  steps = 0;

  scan(buf: Uint16Array, length: number, onMatch: MatchSink): void {
    const rootNext = this.rootNext;
    const states = this.states;
    const edges = this.edges;
    const mask = this.edgeMask;
    const outStart = this.outStart;
    const outCount = this.outCount;
    const outIds = this.outIds;
    const patternLength = this.patternLength;
    const dictLink = this.dictLink;
    let s = 0;
    let steps = 0;
    for (let i = 0; i < length; i++) {
      const c = buf[i] as number;
      for (;;) {
        steps++;
        if (s === 0) {
          s = rootNext[c] as number;
          break;
        }
        let t = -1;
        if (((states[s * 4 + 1] as number) >>> (c & 31)) & 1) {
          for (let h = hash(s, c) & mask; ; h = (h + 1) & mask) {
            const es = edges[h * 4] as number;
            if (es === -1) break;
            if (es === s && edges[h * 4 + 1] === c) {
              t = edges[h * 4 + 2] as number;
              break;
            }
          }
        }
        if (t !== -1) {
          s = t;
          break;
        }
        s = states[s * 4] as number;
      }
      for (let o = states[s * 4 + 2] as number; o > 0; o = dictLink[o] as number) {
        const end = (outStart[o] as number) + (outCount[o] as number);
        for (let k = outStart[o] as number; k < end; k++) {
          const id = outIds[k] as number;
          onMatch(id, i + 1 - (patternLength[id] as number), i + 1);
        }
      }
    }
    this.steps += steps;
  }
}

function hash(s: number, c: number): number {
  return (Math.imul(s, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77)) >>> 7;
}

/** The naive baseline and test oracle: `indexOf` for every pattern. */
export class NaiveMatcher implements Matcher {
  constructor(private readonly patterns: readonly string[]) {}
  get patternCount(): number {
    return this.patterns.length;
  }
  memoryBytes(): number {
    return this.patterns.reduce((n, p) => n + 2 * p.length, 0);
  }
  scan(buf: Uint16Array, length: number, onMatch: MatchSink): void {
    const text = String.fromCharCode(...buf.subarray(0, length));
    const found: [number, number, number][] = [];
    this.patterns.forEach((p, id) => {
      for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) found.push([id, i, i + p.length]);
    });
    found.sort((a, b) => a[2] - b[2] || b[2] - b[1] - (a[2] - a[1]) || a[0] - b[0]);
    for (const [id, s, e] of found) onMatch(id, s, e);
  }
}
