import { describe, expect, it } from "vitest";
import { buildFoldTable } from "../src/normalize/fold-table.js";
import { NormalizedText, normalizeString } from "../src/normalize/normalize.js";

const table = buildFoldTable();

describe("normalize", () => {
  it.each([
    ["ＡＢＣ１２３！！", "abc123!!"],
    ["I'LL  Sue   YOU", "ill sue you"],
    ["我們要投訴到國家局", "我们要投诉到国家局"],
    ["소비자 원에  신고", "소비자원에신고"],
    ["嗯 我要 呃 投诉", "我要投诉"],
    ["找 manager 来", "找manager来"],
    ["don’t", "dont"],
    ["ㅅㅂ", "ㅅㅂ"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeString(input, table)).toBe(expected);
  });

  it("maps every normalised unit back to its original index", () => {
    const text = "  Ｉ'm  投訴 到 國家局!!";
    const n = new NormalizedText().normalize(text, table);
    const norm = n.text();
    const at = norm.indexOf("投诉到国家局");
    expect(at).toBeGreaterThanOrEqual(0);
    const start = n.toOriginal[at] as number;
    const end = (n.toOriginal[at + "投诉到国家局".length - 1] as number) + 1;
    expect(text.slice(start, end)).toBe("投訴 到 國家局");
  });

  it("gathers script statistics in the same pass", () => {
    const n = new NormalizedText().normalize("THIS IS UNACCEPTABLE you know!!", table);
    expect([n.latinWords, n.upperWords, n.maxBangRun]).toEqual([5, 3, 2]);
    expect(n.script()).toBe("en");
    expect(new NormalizedText().normalize("這個電話號碼", table).script()).toBe("zh-Hant");
    expect(new NormalizedText().normalize("这个电话号码", table).script()).toBe("zh-Hans");
    expect(new NormalizedText().normalize("환불 해 주세요", table).script()).toBe("ko");
  });

  it("reuses its buffers and grows for long text", () => {
    const n = new NormalizedText();
    const long = "가".repeat(5000);
    expect(n.normalize(long, table).length).toBe(5000);
    expect(n.normalize("ab", table).text()).toBe("ab");
  });
});
