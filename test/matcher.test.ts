import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AhoCorasick, type Matcher, NaiveMatcher } from "../src/matcher/automaton.js";

function all(m: Matcher, text: string): string[] {
  const buf = Uint16Array.from(text, (c) => c.charCodeAt(0));
  const out: string[] = [];
  m.scan(buf, buf.length, (id, s, e) => out.push(`${id}@${s}-${e}`));
  return out.sort();
}

const PATTERNS = [
  "投诉",
  "投诉到国家局",
  "国家局",
  "媒体",
  "多媒体",
  "소비자원",
  "신고",
  "원에신고",
  "sue",
  "sue you",
  "he",
  "she",
  "hers",
  "his",
];

describe("AhoCorasick", () => {
  const ac = new AhoCorasick(PATTERNS);
  const naive = new NaiveMatcher(PATTERNS);

  it.each([
    ["我要投诉到国家局", ["0@2-4", "1@2-8", "2@5-8"]],
    ["多媒体设备", ["3@1-3", "4@0-3"]],
    ["소비자원에신고", ["5@0-4", "6@5-7", "7@3-7"]],
    ["ushers", ["10@2-4", "11@1-4", "12@2-6"]],
    ["nothing to find 在这", []],
  ])("finds every occurrence in %s", (text, expected) => {
    expect(all(ac, text)).toEqual([...expected].sort());
  });

  it("reports matches in order of end, longer first at one end", () => {
    const seen: [number, number][] = [];
    const buf = Uint16Array.from("投诉到国家局", (c) => c.charCodeAt(0));
    ac.scan(buf, buf.length, (_id, s, e) => seen.push([s, e]));
    for (let i = 1; i < seen.length; i++) {
      const [ps, pe] = seen[i - 1] as [number, number];
      const [s, e] = seen[i] as [number, number];
      expect(e > pe || (e === pe && e - s <= pe - ps)).toBe(true);
    }
  });

  it("agrees with the naive matcher on random zh/ko/en text", () => {
    const alphabet = fc.constantFrom(..."投诉到国家局媒体多소비자원에신고suehrisy 。,".split(""));
    const patterns = fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 5 }), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(patterns, fc.string({ unit: alphabet, maxLength: 60 }), (ps, text) => {
        expect(all(new AhoCorasick(ps), text)).toEqual(all(new NaiveMatcher(ps), text));
      }),
      { numRuns: 300 },
    );
    expect(all(ac, "she sells 投诉")).toEqual(all(naive, "she sells 投诉"));
  });

  it("does work linear in the text: at most 2 steps per code unit", () => {
    const text = "投诉到国家".repeat(2000) + "sheshe".repeat(1000);
    const buf = Uint16Array.from(text, (c) => c.charCodeAt(0));
    ac.steps = 0;
    ac.scan(buf, buf.length, () => {});
    expect(ac.steps).toBeLessThanOrEqual(2 * buf.length);
  });

  it("rejects an empty pattern at build time", () => {
    expect(() => new AhoCorasick(["a", ""])).toThrow(/empty pattern/);
  });
});

describe("adversarial text", () => {
  it("stays linear and bounded on 1,000 texts of 8 KB built to provoke the matcher", async () => {
    const { analyzer } = await import("./helpers.js");
    const { NormalizedText } = await import("../src/normalize/normalize.js");
    const { LexicalScanner, MAX_MATCHES_PER_CHUNK } = await import("../src/detect/lexical.js");
    const lx = analyzer().lexicon;
    const norm = new NormalizedText();
    const scanner = new LexicalScanner(lx);
    const seeds = [
      "投诉",
      "我要投诉到国家局",
      "소비자원에 신고",
      "i will sue you ",
      "a",
      "你他妈的",
      "不是…是",
      "!!",
      "ㅅㅂ",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...seeds), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (parts, n) => {
          let text = "";
          while (text.length < 8192) text += parts[(n + text.length) % parts.length];
          norm.normalize(text.slice(0, 8192), lx.fold);
          lx.matcher.steps = 0;
          scanner.scan(norm);
          expect(lx.matcher.steps).toBeLessThanOrEqual(2 * norm.length);
          expect(scanner.matchCount).toBeLessThanOrEqual(MAX_MATCHES_PER_CHUNK);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
