import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChunkMessage } from "../src/types.js";
import { analyzer, runCall } from "./helpers.js";

const chunk = (
  callId: string,
  seq: number,
  text: string,
  extra: Partial<ChunkMessage> = {},
): ChunkMessage => ({
  type: "chunk",
  callId,
  seq,
  speaker: "customer",
  text,
  final: true,
  ...extra,
});

describe("call.push", () => {
  it("pushes an urgent signal from the partial that carries it, and counts it once", () => {
    const call = analyzer().openCall({ callId: "p1", language: "zh-Hans" });
    const a = call.push(chunk("p1", 1, "我要去找记者", { final: false, segmentId: "s1" }));
    const b = call.push(chunk("p1", 2, "我要去找记者曝光你们", { final: false, segmentId: "s1" }));
    const c = call.push(chunk("p1", 3, "我要去找记者曝光你们", { final: true, segmentId: "s1" }));
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ type: "hint", seq: 1, priority: "urgent" });
    expect(b).toEqual([]);
    expect(
      c.every(
        (e) =>
          e.type !== "hint" ||
          e.signals.every((s) => s.kind !== "escalation_threat" || e.priority !== "urgent" || e.seq === 3),
      ),
    ).toBe(true);
    expect(call.end().signalCounts.escalation_threat).toBe(1);
  });

  it("never counts a partial that its final replaced", () => {
    const call = analyzer().openCall({ callId: "p2", language: "en" });
    call.push(chunk("p2", 1, "i want a refund", { final: false, segmentId: "x" }));
    call.push(chunk("p2", 2, "i want a refund", { final: false, segmentId: "x" }));
    call.push(chunk("p2", 3, "i want a refund for this order", { segmentId: "x" }));
    expect(call.end().signalCounts.compensation_demand).toBe(1);
  });

  it("answers bad input with typed errors and goes on", () => {
    const call = analyzer().openCall({ callId: "e1" });
    expect(
      call.push({ type: "chunk", callId: "e1", seq: -1, speaker: "customer", text: "x" })[0],
    ).toMatchObject({ type: "error", code: "CC_ERR_BAD_FIELD" });
    expect(call.push({ type: "chunk", callId: "e1", seq: 1, speaker: "robot", text: "x" })[0]).toMatchObject({
      code: "CC_ERR_BAD_FIELD",
    });
    expect(
      call.push({
        type: "chunk",
        callId: "e1",
        seq: 2,
        speaker: "customer",
        text: "x",
        startMs: 5,
        endMs: 1,
      })[0],
    ).toMatchObject({ code: "CC_ERR_BAD_FIELD", seq: 2 });
    expect(call.push(null)[0]).toMatchObject({ code: "CC_ERR_BAD_MESSAGE" });
    expect(
      call.push({ type: "chunk", callId: "other", seq: 3, speaker: "customer", text: "x" })[0],
    ).toMatchObject({ code: "CC_ERR_BAD_FIELD" });
    expect(call.push(chunk("e1", 4, "fine thanks"))).not.toContainEqual(
      expect.objectContaining({ type: "error" }),
    );
    call.end();
    expect(call.push(chunk("e1", 5, "again"))[0]).toMatchObject({ code: "CC_ERR_CALL_ENDED" });
  });

  it("never throws on arbitrary input and leaves Object.prototype alone", () => {
    const call = analyzer().openCall({ callId: "fuzz" });
    fc.assert(
      fc.property(fc.anything({ withObjectString: true }), (m) => {
        expect(() => call.push(m)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat(),
          text: fc.string({ unit: "binary", maxLength: 300 }),
          final: fc.boolean(),
          startMs: fc.nat(),
          volumeDb: fc.double({ min: -90, max: 0, noNaN: true }),
        }),
        (r) => {
          expect(() =>
            call.push({ type: "chunk", callId: "fuzz", speaker: "customer", ...r, endMs: r.startMs + 500 }),
          ).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
    call.push(
      JSON.parse(
        '{"type":"chunk","callId":"fuzz","seq":1,"speaker":"customer","text":"x","__proto__":{"polluted":1}}',
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("is deterministic: the same input gives the same events", () => {
    const lines = [
      "我要投诉到国家局 你们这帮骗子",
      "THIS IS UNACCEPTABLE!!",
      "환불해 주세요 소비자원에 신고할 거예요",
      "ok thanks",
    ];
    const a = runCall(lines);
    const b = runCall(lines);
    const strip = (r: typeof a) => JSON.stringify(r).replaceAll(r.summary.callId, "ID");
    expect(a.hints.length).toBeGreaterThan(0);
    expect(strip(a)).toBe(strip(b));
  });

  it("keeps per-call state bounded: chunk 20,000 costs what chunk 100 did", () => {
    const call = analyzer().openCall({ callId: "long", language: "en" });
    const scanner = analyzer().lexicon.matcher;
    const text = "i still have not got my parcel and this is ridiculous";
    const stepsFor = (seq: number): number => {
      const before = scanner.steps;
      call.push(chunk("long", seq, text, { startMs: seq * 3000, endMs: seq * 3000 + 2500 }));
      return scanner.steps - before;
    };
    for (let i = 1; i < 100; i++) stepsFor(i);
    const early = stepsFor(100);
    for (let i = 101; i < 20_000; i++) stepsFor(i);
    expect(stepsFor(20_000)).toBe(early);
    const summary = call.end();
    expect(JSON.stringify(summary).length).toBeLessThan(4000);
  });
});
