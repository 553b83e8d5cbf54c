import { describe, expect, it } from "vitest";
import { CallcueError } from "../src/errors.js";
import { parseLexiconFile } from "../src/lexicon/format.js";

describe("lexicon line format", () => {
  it("parses phrase, weight and attributes", () => {
    const [e] = parseLexiconFile(
      "投诉到国家局\t0.9\ttarget=regulator hom\n",
      "escalation_threat",
      "zh",
      "zh/escalation_threat.tsv",
    );
    expect(e).toMatchObject({
      phrase: "投诉到国家局",
      weight: 0.9,
      target: "regulator",
      homophones: true,
      negatable: true,
    });
  });

  it("defaults the weight and skips comments and blank lines", () => {
    const entries = parseLexiconFile("# comment\n\nplease\n", "politeness", "en", "en/politeness.tsv");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.weight).toBe(0.7);
    expect(entries[0]?.negatable).toBe(false);
  });

  it.each([
    ["sue\t2\ttarget=legal", "out of range"],
    ["sue\tabc\ttarget=legal", "not a number"],
    ["sue\t0.9", "needs target"],
    ["sue\t0.9\ttarget=moon", "target must be"],
    ["sue\t0.9\ttarget=legal wat", "unknown attribute"],
    ["a…b…c\t0.9\ttarget=legal", "at most one gap"],
    ["sue\t0.9\ttarget=legal hom", "Chinese phrases only"],
  ])("rejects %j with a typed error naming the line", (line, why) => {
    try {
      parseLexiconFile(`# header\n${line}\n`, "escalation_threat", "en", "en/escalation_threat.tsv");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CallcueError);
      expect((err as CallcueError).code).toBe("CC_ERR_BAD_LEXICON");
      expect((err as CallcueError).message).toContain("en/escalation_threat.tsv:2");
      expect((err as CallcueError).message).toContain(why);
    }
  });

  it("rejects an unknown kind", () => {
    expect(() => parseLexiconFile("x", "shouting", "en", "en/shouting.tsv")).toThrow(/unknown kind/);
  });
});
