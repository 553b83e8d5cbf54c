import { describe, expect, it } from "vitest";
import { createAnalyzer } from "../src/analyzer.js";
import { type CallRecord, collectCalls, recordCalls } from "../src/report/collect.js";
import { loadMessages } from "../src/report/files.js";
import { buildHtmlReport, escapeHtml } from "../src/report/html.js";
import { reportFromPaths } from "../src/report/index.js";
import { buildJsonReport, formatJsonReport } from "../src/report/json.js";
import { type Finding, type QaRule, scoreAgents, scoreCall } from "../src/report/scorecard.js";
import { viewCall } from "../src/report/view.js";
import type { Speaker } from "../src/types.js";
import { analyzer } from "./helpers.js";

// ---------------------------------------------------------------- helpers

/** A turn of a hand-made call: speaker, text and, optionally, its end time in seconds. */
type Turn = [Speaker, string, number?];

let n = 0;
/** Wire messages of one call: start, one final chunk per turn (timed turns start where the last one ended), end. */
function callMessages(
  turns: Turn[],
  o: { language?: string; agentId?: string; callId?: string } = {},
): unknown[] {
  const callId = o.callId ?? `r-${++n}`;
  const start: Record<string, unknown> = { type: "start", callId, meta: { agentId: o.agentId ?? "a-test" } };
  if (o.language) start.language = o.language;
  return [
    start,
    ...turns.map(([speaker, text, endS], i) => {
      const chunk: Record<string, unknown> = {
        type: "chunk",
        callId,
        seq: i + 1,
        speaker,
        text,
        final: true,
      };
      if (endS !== undefined) {
        const previous = i > 0 ? turns[i - 1]?.[2] : undefined;
        chunk.startMs =
          previous !== undefined && previous < endS ? previous * 1000 : Math.max(0, endS - 3) * 1000;
        chunk.endMs = endS * 1000;
      }
      return chunk;
    }),
    { type: "end", callId },
  ];
}

function record(turns: Turn[], o: Parameters<typeof callMessages>[1] = {}): CallRecord {
  const records = recordCalls(callMessages(turns, o), analyzer());
  expect(records).toHaveLength(1);
  return records[0] as CallRecord;
}

function rules(findings: readonly Finding[]): QaRule[] {
  return findings.map((f) => f.rule);
}

/** Checks that every non-void element is closed in order; returns the first problem, if any. */
function tagProblem(html: string): string | undefined {
  const VOID = new Set(["meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"]);
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "<style></style>");
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, close, rawName, selfClose] = m;
    const name = (rawName as string).toLowerCase();
    if (VOID.has(name) || selfClose) continue;
    if (!close) stack.push(name);
    else {
      const top = stack.pop();
      if (top !== name) return `</${name}> closes <${top ?? "nothing"}> at ${m.index}`;
    }
  }
  return stack.length > 0 ? `unclosed: ${stack.join(" > ")}` : undefined;
}

function count(haystack: string, needle: RegExp): number {
  return [...haystack.matchAll(needle)].length;
}

// Calls that go well or badly in the ways the scorecard checks.
const SHOUT = "THIS IS RIDICULOUS!! I WANT TO SPEAK TO YOUR MANAGER RIGHT NOW";

// ---------------------------------------------------------------- fixtures

describe("QA report over the recorded fixtures", () => {
  const loaded = loadMessages(["fixtures"]);
  const collection = collectCalls(loaded.messages, analyzer());
  const records = collection.records;
  const html = buildHtmlReport(records, { title: "Fixtures QA" });
  const json = buildJsonReport(records);

  it("replays every fixture call, with nothing skipped", () => {
    expect(loaded.files.length).toBeGreaterThanOrEqual(150);
    expect(loaded.badLines).toEqual([]);
    expect(collection.skipped).toEqual([]);
    expect(collection.endedAtEndOfInput).toEqual([]);
    expect(records).toHaveLength(loaded.files.length);
    for (const r of records) {
      expect(r.summary.callId).toBe(r.start.callId);
      expect(r.chunks.length).toBeGreaterThan(0);
      expect(r.summary.hintCount).toBe(r.hints.length);
    }
  });

  it("writes one well-formed HTML document", () => {
    expect(html.startsWith("<!DOCTYPE html>\n<html")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(tagProblem(html)).toBeUndefined();
    for (const tag of ["html", "head", "body", "main", "style"])
      expect(count(html, new RegExp(`<${tag}[ >]`, "g"))).toBe(1);
    expect(count(html, /<section /g)).toBe(records.length + 1);
    expect(count(html, /<svg /g)).toBe(3 + records.length);
  });

  it("has a section for every call, and every internal link lands", () => {
    records.forEach((r, i) => {
      expect(html).toContain(
        `<section class="call" id="call-${i + 1}"><h2>${escapeHtml(r.start.callId)}</h2>`,
      );
    });
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1] as string);
    expect(hrefs.length).toBeGreaterThan(records.length);
    for (const h of hrefs) {
      expect(h.startsWith("#")).toBe(true);
      expect(ids.has(h.slice(1))).toBe(true);
    }
  });

  it("loads nothing from outside: no script, no external src or href, no stylesheet link", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<(?:img|iframe|object|embed)/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("highlights each signal's evidence with a <mark> in its call's transcript", () => {
    const sections = html.split('<section class="call" ').slice(1);
    expect(sections).toHaveLength(records.length);
    let marked = 0;
    records.forEach((r, i) => {
      const view = viewCall(r);
      const section = sections[i] as string;
      for (const s of view.signals) {
        if (!s.span) continue;
        marked++;
        // The mark's title lists the kind; its text is (part of) the evidence.
        const titled = [...section.matchAll(/<mark class="[^"]*" title="([^"]*)">([^<]*)<\/mark>/g)].filter(
          (m) => (m[1] as string).split(", ").some((t) => t.split(" ")[0] === s.signal.kind),
        );
        expect(titled.length, `${r.start.callId}: ${s.signal.kind}`).toBeGreaterThan(0);
      }
    });
    expect(marked).toBeGreaterThan(200);
    // Lexical signals: the threats to go to the regulator or the media are marked where they were said.
    expect(html).toMatch(
      /<mark class="g-escalation" title="escalation_threat \(regulator\)[^"]*">国家邮政局<\/mark>/,
    );
    expect(html).toMatch(/<mark class="g-escalation" title="escalation_threat \(media\)">找记者<\/mark>/);
  });

  it("draws the timeline: tone line, a marker per hint with a tooltip, signal lanes", () => {
    const first = viewCall(records.find((r) => r.hints.length >= 3) as CallRecord);
    const section = html.split(`<h2>${escapeHtml(first.callId)}</h2>`)[1]?.split("</section>")[0] ?? "";
    expect(section).toContain("<polyline");
    expect(count(section, /<g class="hint"><title>seq \d+ at \d+:\d\d — (?:URGENT|WARN|INFO) · /g)).toBe(
      first.record.hints.length,
    );
    for (const h of first.record.hints)
      expect(section).toContain(`technique: ${escapeHtml(h.technique.name)}`);
    for (const s of first.signals) expect(section).toContain(`>${s.signal.kind}</text>`);
  });

  it("builds the JSON report: per call and per batch", () => {
    expect(json.calls).toHaveLength(records.length);
    expect(json.batch.calls).toBe(records.length);
    const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(json.batch.labelDistribution)).toBe(records.length);
    expect(sum(json.batch.toneDistribution)).toBe(records.length);
    expect(json.batch.scorecardByAgent.reduce((a, s) => a + s.calls, 0)).toBe(records.length);
    for (const c of json.calls) {
      expect(Object.keys(c)).toEqual([
        "callId",
        "language",
        "agentId",
        "label",
        "confidence",
        "runnerUp",
        "toneFinal",
        "tonePeak",
        "urgentSignals",
        "escalationTargets",
        "hintCount",
        "signalCounts",
        "findings",
      ]);
      for (const f of c.findings)
        expect(Object.keys(f)).toEqual(["rule", "seq", "speaker", "text", "detail"]);
    }
    // Worst calls: by urgent signal count, then peak tone score.
    const worst = json.batch.worstCalls;
    expect(worst.length).toBe(10);
    for (let i = 1; i < worst.length; i++) {
      const a = worst[i - 1]!;
      const b = worst[i]!;
      expect(
        a.urgentSignals > b.urgentSignals ||
          (a.urgentSignals === b.urgentSignals && a.tonePeak.score >= b.tonePeak.score),
      ).toBe(true);
    }
    const maxUrgent = Math.max(...json.calls.map((c) => c.urgentSignals));
    expect(worst[0]?.urgentSignals).toBe(maxUrgent);
    // Escalations by target agree with the calls.
    for (const [target, e] of Object.entries(json.batch.escalationByTarget)) {
      const calls = json.calls
        .filter((c) => c.escalationTargets.includes(target as never))
        .map((c) => c.callId);
      expect(e.calls).toEqual(calls);
      expect(e.signals).toBeGreaterThanOrEqual(calls.length);
    }
    expect(json.batch.escalationByTarget.regulator.calls.length).toBeGreaterThan(0);
    expect(json.batch.escalationByTarget.media.calls.length).toBeGreaterThan(0);
  });

  it("is deterministic: the same input gives the same bytes, even through another analyzer", () => {
    const again = recordCalls(loadMessages(["fixtures"]).messages, createAnalyzer());
    expect(formatJsonReport(buildJsonReport(again))).toBe(formatJsonReport(json));
    expect(buildHtmlReport(again, { title: "Fixtures QA" })).toBe(html);
  });

  it("does not depend on how calls interleave on the wire", () => {
    const perCall = new Map<string, unknown[]>();
    for (const m of loaded.messages) {
      const id = (m as { callId: string }).callId;
      perCall.set(id, [...(perCall.get(id) ?? []), m]);
    }
    const queues = [...perCall.values()];
    const interleaved: unknown[] = [];
    for (let i = 0; queues.some((q) => i < q.length); i++)
      for (const q of queues) if (i < q.length) interleaved.push(q[i]);
    const mixed = buildJsonReport(recordCalls(interleaved, analyzer()));
    expect(formatJsonReport(mixed)).toBe(formatJsonReport(json));
  });

  it("runs end to end from a folder (the QA command's core)", () => {
    const out = reportFromPaths(["fixtures/zh-Hant"], analyzer(), { generatedAt: "2025-01-01T00:00:00Z" });
    expect(out.files.length).toBeGreaterThan(30);
    expect(out.skipped).toBe(0);
    expect(out.json.generatedAt).toBe("2025-01-01T00:00:00Z");
    expect(out.json.batch.skippedMessages).toBe(0);
    expect(JSON.parse(out.jsonText)).toEqual(out.json);
    expect(out.html).toContain("generated 2025-01-01T00:00:00Z");
  });

  it("finds QA problems in the fixtures as well as clean calls", () => {
    const byRule = json.batch.findingsByRule;
    expect(byRule.empathy_missing).toBeGreaterThan(0);
    expect(byRule.forbidden_phrase).toBeGreaterThan(0);
    expect(byRule.hold_after_anger).toBeGreaterThan(0);
    expect(json.calls.filter((c) => c.findings.length === 0).length).toBeGreaterThan(records.length / 2);
    // Calm, routine calls are clean.
    for (const c of json.calls.filter((c) => /-neutral-/.test(c.callId)))
      expect(c.findings, c.callId).toEqual([]);
  });
});

// ---------------------------------------------------------------- collecting

describe("collectCalls", () => {
  it("skips and counts bad messages, and ends calls that never got their end", () => {
    const messages: unknown[] = [
      null,
      "not an object",
      { type: "bogus", callId: "x" },
      { type: "chunk", callId: "nobody", seq: 1, speaker: "customer", text: "hi" },
      { type: "start", callId: "c-a", language: "en", meta: { agentId: "a-1" } },
      { type: "start", callId: "c-b", language: "zh-Hans", meta: { agentId: "a-2" } },
      { type: "start", callId: "c-a" },
      { type: "chunk", callId: "c-a", seq: 1, speaker: "robot", text: "?" },
      { type: "chunk", callId: "c-b", seq: 1, speaker: "customer", text: "我要投诉到国家局" },
      {
        type: "chunk",
        callId: "c-a",
        seq: 1,
        speaker: "customer",
        text: "hello, I have a question",
        final: true,
      },
      { type: "end", callId: "c-a" },
      { type: "chunk", callId: "c-a", seq: 2, speaker: "customer", text: "late" },
    ];
    const c = collectCalls(messages, analyzer());
    expect(c.skipped.map((s) => s.index)).toEqual([0, 1, 2, 3, 6, 7, 11]);
    expect(c.skipped.map((s) => s.code)).toEqual([
      "CC_ERR_BAD_MESSAGE",
      "CC_ERR_BAD_MESSAGE",
      "CC_ERR_BAD_MESSAGE",
      "CC_ERR_UNKNOWN_CALL",
      "CC_ERR_CALL_EXISTS",
      "CC_ERR_BAD_FIELD",
      "CC_ERR_UNKNOWN_CALL",
    ]);
    expect(c.records.map((r) => r.start.callId)).toEqual(["c-a", "c-b"]);
    expect(c.endedAtEndOfInput).toEqual(["c-b"]);
    const b = c.records[1] as CallRecord;
    expect(b.chunks).toHaveLength(1);
    expect(b.summary.type).toBe("summary");
    expect(b.hints.some((h) => h.signals.some((s) => s.kind === "escalation_threat"))).toBe(true);
    expect((c.records[0] as CallRecord).chunks).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- scorecard rules

describe("agent scorecard", () => {
  it("flags no empathy after the customer's anger, citing the customer's utterance", () => {
    const r = record([
      ["agent", "thank you for calling, how can I help", 3],
      ["customer", SHOUT, 8],
      ["agent", "what is your account number", 12],
      ["customer", "it's 4471", 15],
      ["agent", "I can see the order here. the system shows it was dispatched", 30],
      ["customer", "so where is it", 35],
      ["agent", "the depot has it, it will go out with the next van", 45],
    ]);
    expect(r.hints.some((h) => h.priority === "urgent")).toBe(true);
    const card = scoreCall(r);
    expect(rules(card.findings)).toEqual(["empathy_missing"]);
    expect(card.findings[0]).toMatchObject({
      rule: "empathy_missing",
      seq: 2,
      speaker: "customer",
      text: SHOUT,
    });
    expect(card.findings[0]?.detail).toMatch(/within 30 s/);
    expect(card.angerMoments).toBe(1);
    expect(card.answeredInTime).toBe(0);
  });

  it("flags empathy that comes too late, and honours the time limit option", () => {
    const turns: Turn[] = [
      ["customer", SHOUT, 5],
      ["agent", "can I have your reference", 10],
      ["customer", "AB 1234", 14],
      ["agent", "I'm so sorry about all this, I understand how frustrating it is", 25],
    ];
    expect(rules(scoreCall(record(turns)).findings)).toEqual([]);
    const strict = scoreCall(record(turns), { empathyWithinMs: 10_000 });
    expect(rules(strict.findings)).toEqual(["empathy_missing"]);
    expect(strict.findings[0]?.detail).toMatch(/came 20 s after/);
  });

  it("counts 4 s per turn when the chunks carry no timestamps", () => {
    const turns: Turn[] = [
      ["customer", SHOUT],
      ["agent", "can I have your reference"],
      ["customer", "AB 1234"],
      ["agent", "I'm so sorry about this, I understand how upset you are"],
    ];
    const r = record(turns);
    expect(viewCall(r).chunks.map((c) => c.atMs)).toEqual([4000, 8000, 12000, 16000]);
    expect(rules(scoreCall(r).findings)).toEqual([]);
    expect(rules(scoreCall(r, { empathyWithinMs: 8_000 }).findings)).toEqual(["empathy_missing"]);
  });

  it("flags a forbidden phrase from the analyzer, citing the agent's words", () => {
    const r = record([
      ["customer", "my parcel is late again", 4],
      ["agent", "sir, you need to calm down, that's not my problem", 9],
    ]);
    const f = scoreCall(r).findings.filter((x) => x.rule === "forbidden_phrase");
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]).toMatchObject({
      seq: 2,
      speaker: "agent",
      text: "sir, you need to calm down, that's not my problem",
    });
    expect(r.summary.qa.agentForbidden.length).toBeGreaterThan(0);
  });

  it("flags a hold right after an angry turn", () => {
    const r = record([
      ["customer", SHOUT, 5],
      ["agent", "I'm so sorry, I understand. please hold", 9],
      ["customer", "fine", 60],
      ["agent", "thanks for waiting, my manager approved a refund today", 64],
    ]);
    const card = scoreCall(r);
    expect(rules(card.findings)).toEqual(["hold_after_anger"]);
    expect(card.findings[0]).toMatchObject({ seq: 2, speaker: "agent" });
    expect(card.findings[0]?.detail).toMatch(/please hold/);
  });

  it("flags holds in Chinese and Korean too", () => {
    const zh = record(
      [
        ["customer", "你们这是什么破服务！！我要投诉到国家局 叫你们领导来", 5],
        ["agent", "非常抱歉 请您稍等", 9],
      ],
      { language: "zh-Hans" },
    );
    expect(rules(scoreCall(zh).findings)).toContain("hold_after_anger");
    const ko = record(
      [
        ["customer", "당장 책임자 바꿔요!! 소비자원에 신고할 거예요", 5],
        ["agent", "정말 죄송합니다 잠시만 기다려 주세요", 9],
      ],
      { language: "ko" },
    );
    expect(rules(scoreCall(ko).findings)).toContain("hold_after_anger");
  });

  it("flags promises with no time in en, zh-Hans, zh-Hant and ko", () => {
    const cases: [string, string, string][] = [
      ["en", "my router keeps dropping", "okay, we'll call you back"],
      ["en", "my router keeps dropping", "I'll get back to you as soon as possible"],
      ["zh-Hans", "我的宽带又断了", "好的 我们会尽快处理"],
      ["zh-Hant", "我的網路又斷了", "好的 我們會盡快處理"],
      ["zh-Hant", "我的網路又斷了", "我請主管稍後回電給您"],
      ["ko", "인터넷이 또 끊겼어요", "네 곧 연락드리겠습니다"],
      ["ko", "인터넷이 또 끊겼어요", "확인되는 대로 연락 드리겠습니다"],
    ];
    for (const [language, customer, agent] of cases) {
      const card = scoreCall(
        record(
          [
            ["customer", customer, 4],
            ["agent", agent, 8],
          ],
          { language },
        ),
      );
      expect(rules(card.findings), `${language}: ${agent}`).toEqual(["promise_without_time"]);
      expect(card.findings[0]).toMatchObject({ seq: 2, speaker: "agent", text: agent });
    }
  });

  it("quotes the promise as said, and accepts one that follows a turn giving the time", () => {
    const zht = scoreCall(
      record(
        [
          ["customer", "我的網路又斷了", 4],
          ["agent", "好的 我請主管稍後回電給您", 8],
        ],
        { language: "zh-Hant" },
      ),
    );
    expect(zht.findings[0]?.detail).toBe('promised "回電給您" with no concrete time ("稍後" is not a time)');
    const followUp = record([
      ["customer", "how long will the review take", 4],
      ["agent", "the review takes about ten working days", 8],
      ["agent", "and we'll email you the result", 11],
    ]);
    expect(scoreCall(followUp).findings).toEqual([]);
    const calmHold = record([
      ["customer", "hi, I'd like to check my balance please", 4],
      ["agent", "of course, one moment please", 8],
    ]);
    expect(scoreCall(calmHold).findings).toEqual([]);
  });

  it("accepts promises with a concrete time", () => {
    const cases: [string, string][] = [
      ["en", "I'll call you back today by 3 pm"],
      ["en", "we'll get back to you within two hours"],
      ["en", "someone will call you tomorrow morning"],
      ["zh-Hans", "我们会在今天下午三点前给您回电"],
      ["zh-Hans", "我们会尽快处理 两个工作日内给您答复"],
      ["zh-Hant", "我們會在十分鐘內回電給您"],
      ["ko", "오늘 오후 세 시까지 연락드리겠습니다"],
      ["ko", "삼십 분 안에 전화드리겠습니다"],
    ];
    for (const [language, agent] of cases) {
      const card = scoreCall(
        record(
          [
            ["customer", "ok", 4],
            ["agent", agent, 8],
          ],
          { language },
        ),
      );
      expect(card.findings, `${language}: ${agent}`).toEqual([]);
      expect(card.promiseTurns).toBe(1);
    }
  });

  it("gives no finding when the agent handles an angry customer well", () => {
    const en = record(
      [
        ["agent", "thank you for calling, how can I help", 3],
        ["customer", SHOUT, 8],
        [
          "agent",
          "I'm so sorry, I understand how frustrating this is. you're right, this should not have happened",
          12,
        ],
        ["customer", "so what are you going to do about it", 16],
        [
          "agent",
          "I've booked a driver for this afternoon between four and six, and I'll call you back at 6 pm to confirm",
          24,
        ],
        ["customer", "okay. thank you", 27],
      ],
      { agentId: "a-good" },
    );
    const card = scoreCall(en);
    expect(card.angerMoments).toBeGreaterThan(0);
    expect(card.answeredInTime).toBe(card.angerMoments);
    expect(card.findings).toEqual([]);

    const zh = record(
      [
        ["customer", "都五天了还没到！！我要投诉到国家局 叫你们领导来", 5],
        ["agent", "非常抱歉 我很理解您的心情 这确实是我们的问题", 9],
        ["customer", "那你说怎么办", 12],
        ["agent", "我已经给您加急 今天下午五点前送到 我会在六点前给您回电确认", 18],
      ],
      { language: "zh-Hans" },
    );
    expect(scoreCall(zh).findings).toEqual([]);

    const zht = record(
      [
        ["customer", "都五天了還沒到！！我要投訴到消保官 叫你們主管來", 5],
        ["agent", "非常抱歉 我很理解您的心情", 9],
        ["agent", "我會在今天下午三點前回電給您", 14],
      ],
      { language: "zh-Hant" },
    );
    expect(scoreCall(zht).findings).toEqual([]);

    const ko = record(
      [
        ["customer", "벌써 닷새째예요!! 당장 책임자 바꿔요", 5],
        ["agent", "불편을 드려 정말 죄송합니다 얼마나 답답하셨을지 충분히 이해합니다", 9],
        ["agent", "오늘 오후 세 시까지 배송 출발 여부를 연락드리겠습니다", 14],
      ],
      { language: "ko" },
    );
    expect(scoreCall(ko).findings).toEqual([]);
  });

  it("does not ask for empathy towards harassment (a polite ending is the technique)", () => {
    const r = record([
      ["agent", "hello, how can I help", 3],
      ["customer", "you sound cute, how old are you? are you single?", 8],
      ["agent", "this line is for service questions only. if there is nothing else, I will end the call", 12],
      ["customer", "come on, tell me what you look like", 16],
      ["agent", "thank you for calling, goodbye", 60],
    ]);
    expect(r.hints.some((h) => h.signals.some((s) => s.kind === "harassment"))).toBe(true);
    expect(rules(scoreCall(r).findings)).not.toContain("empathy_missing");
  });

  it("adds up per agent", () => {
    const good = record([["agent", "I'll call you back at 5 pm today", 3]], { agentId: "a-1", callId: "g" });
    const bad = record([["agent", "we'll call you back", 3]], { agentId: "a-1", callId: "b" });
    const other = record([["agent", "hello", 3]], { agentId: "a-0", callId: "o" });
    const agents = scoreAgents([good, bad, other].map((r) => scoreCall(r)));
    expect(agents.map((a) => a.agentId)).toEqual(["a-0", "a-1"]);
    expect(agents[1]).toMatchObject({
      calls: 2,
      cleanCalls: 1,
      findings: 1,
      flaggedCalls: ["b"],
      empathyRate: null,
    });
    expect(agents[1]?.byRule.promise_without_time).toBe(1);
  });
});

// ---------------------------------------------------------------- escaping

describe("HTML escaping", () => {
  it("escapes transcript text, ids and meta, and still marks the evidence", () => {
    const evil = `<script>alert("x")</script> & 'quotes' 我要投诉到媒体`;
    const r = record(
      [
        ["agent", "您好 <b>客服</b> 请问有什么可以帮您", 3],
        ["customer", evil, 8],
      ],
      { language: "zh-Hans", agentId: `<img src=x onerror="alert(1)">`, callId: `c-<i>1</i>` },
    );
    const html = buildHtmlReport([r], { title: "<title> & co" });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain("<b>客服</b>");
    expect(html).not.toContain("<i>1</i>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; ");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("<h2>c-&lt;i&gt;1&lt;/i&gt;</h2>");
    expect(html).toContain("<title>&lt;title&gt; &amp; co</title>");
    expect(html).toMatch(/<mark class="g-escalation" title="escalation_threat \(media\)[^"]*">媒体<\/mark>/);
    expect(tagProblem(html)).toBeUndefined();
    // The JSON report carries the text as data.
    const json = buildJsonReport([r]);
    expect(json.calls[0]?.escalationTargets).toEqual(["media"]);
    expect(json.calls[0]?.agentId).toBe(`<img src=x onerror="alert(1)">`);
  });

  it("marks overlapping evidence without nesting tags wrongly", () => {
    const r = record([["customer", "I'M GOING TO CALL THE NEWS!!", 5]]);
    const html = buildHtmlReport([r]);
    expect(tagProblem(html)).toBeUndefined();
    // The shouted line is marked whole; the threat inside it is a mark of its own that names both.
    const line = html.split('<span class="text">')[1]?.split('<span class="tags">')[0];
    expect(line).toMatch(
      /^<mark class="g-heat whole" title="loudness[^"]*">I&#39;M GOING TO <\/mark><mark class="g-escalation" title="escalation_threat \(media\), loudness[^"]*">CALL THE NEWS<\/mark><mark class="g-heat whole" title="loudness[^"]*">!!<\/mark>$/,
    );
  });
});
