import { describe, expect, it } from "vitest";
import { evaluate } from "../src/cli/eval.js";
import { analyzer } from "./helpers.js";

describe("callcue eval on the labelled fixtures", () => {
  const report = evaluate(["fixtures"], analyzer());

  it("covers all 13 labels in all four languages", () => {
    expect(report.calls).toBeGreaterThanOrEqual(150);
    expect(Object.keys(report.perLabel)).toHaveLength(13);
    expect(Object.keys(report.perLanguage).sort()).toEqual(["en", "ko", "zh-Hans", "zh-Hant"]);
  });

  it("labels calls with macro-F1 ≥ 0.90", () => {
    expect(report.macroF1).toBeGreaterThanOrEqual(0.9);
  });

  it("finds signals with recall ≥ 0.90", () => {
    expect(report.signalRecall).toBeGreaterThanOrEqual(0.9);
  });

  it("pushes every expected urgent signal in a hint", () => {
    expect(report.lag.missed).toBeLessThanOrEqual(Math.ceil(0.1 * (report.lag.pushed + report.lag.missed)));
  });
});

describe("callcue eval on the held-out calls (written apart from the rules and the fixtures)", () => {
  const report = evaluate(["holdout"], analyzer());

  it("covers every label in every language", () => {
    expect(report.calls).toBe(52);
    expect(Object.keys(report.perLabel)).toHaveLength(13);
  });

  it("labels them with macro-F1 ≥ 0.90 and finds their signals with recall ≥ 0.90", () => {
    expect(report.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(report.signalRecall).toBeGreaterThanOrEqual(0.9);
  });
});
