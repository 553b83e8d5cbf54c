import { type HintEvent, type Speaker, URGENT_KINDS } from "../types.js";
import type { CallRecord } from "./collect.js";
import { findAny, normalizeForPhrases } from "./qa-phrases.js";
import { type CallView, type ChunkView, toneRank, UNTIMED_TURN_MS, viewCall } from "./view.js";

/**
 * The QA rules of the agent scorecard (knowledge §A, §B, §E; SPEC §5):
 * - `empathy_missing`: no empathy or apology within N seconds of the
 *   customer's anger (a hint with tone angry/hostile) or of an urgent signal;
 * - `forbidden_phrase`: the agent said something it must never say (from the
 *   analyzer's summary);
 * - `hold_after_anger`: the agent put an angry customer on hold;
 * - `promise_without_time`: the agent promised a callback or a fix with no
 *   concrete time ("we'll call you back", 我们会尽快处理, 곧 연락드리겠습니다);
 * - `analyzer_finding`: any other QA finding the analyzer reported.
 */
export const QA_RULES = [
  "empathy_missing",
  "forbidden_phrase",
  "hold_after_anger",
  "promise_without_time",
  "analyzer_finding",
] as const;
export type QaRule = (typeof QA_RULES)[number];

export const RULE_TITLES: Readonly<Record<QaRule, string>> = {
  empathy_missing: "No empathy after anger",
  forbidden_phrase: "Forbidden phrase",
  hold_after_anger: "Hold after an angry turn",
  promise_without_time: "Promise with no time",
  analyzer_finding: "Other QA finding",
};

/** One scorecard finding, citing the utterance it is about. */
export interface Finding {
  rule: QaRule;
  seq: number;
  speaker: Speaker;
  text: string;
  /** What went wrong, in one sentence. */
  detail: string;
}

export interface ScorecardOptions {
  /** Empathy or an apology is expected within this long after the customer's anger. @default 30000 */
  empathyWithinMs?: number;
  /** Call time per final utterance when chunks carry no timestamps. @default 4000 */
  untimedTurnMs?: number;
}

/** What the agent did in one final utterance (the phrase found, per kind). */
export interface AgentAct {
  seq: number;
  atMs: number;
  empathy?: string;
  apology?: string;
  hold?: string;
  promise?: string;
  /** A concrete time word (a clock time, a day, a duration, "now"). */
  time?: string;
  /** A vague time word ("as soon as possible"). */
  vague?: string;
}

export interface CallScorecard {
  callId: string;
  agentId: string;
  /** Moments the customer got angry or raised an urgent signal while no acknowledgement was pending. */
  angerMoments: number;
  /** Of those, how many the agent answered with empathy or an apology in time. */
  answeredInTime: number;
  agentTurns: number;
  empathyTurns: number;
  holdTurns: number;
  promiseTurns: number;
  findings: Finding[];
  acts: AgentAct[];
}

export interface AgentScorecard {
  agentId: string;
  calls: number;
  /** Calls with no finding. */
  cleanCalls: number;
  angerMoments: number;
  answeredInTime: number;
  /** answeredInTime / angerMoments, 3 decimals; null when the agent met no anger. */
  empathyRate: number | null;
  findings: number;
  byRule: Record<QaRule, number>;
  /** Calls with at least one finding, in report order. */
  flaggedCalls: string[];
}

/** Scans one agent utterance for the scorecard's phrases. */
export function agentAct(text: string, seq: number, atMs: number): AgentAct {
  const forms = normalizeForPhrases(text);
  const act: AgentAct = { seq, atMs };
  const empathy = findAny(forms, "empathy");
  const apology = findAny(forms, "apology");
  const hold = findAny(forms, "hold");
  const promise = findAny(forms, "promise");
  if (empathy !== undefined) act.empathy = empathy;
  if (apology !== undefined) act.apology = apology;
  if (hold !== undefined) act.hold = hold;
  const time = findAny(forms, "concreteTime");
  if (promise !== undefined) act.promise = promise;
  if (time !== undefined) act.time = time;
  if (promise !== undefined) {
    const vague = findAny(forms, "vagueTime");
    if (vague !== undefined) act.vague = vague;
  }
  return act;
}

const FORBIDDEN = /^seq (\d+): forbidden phrase "(.*)"$/s;
const HOLD = /^seq (\d+): put the customer on hold after an angry turn \("(.*)"\)$/s;
const EMPATHY = /^seq \d+: (?:no empathy or apology|the agent never showed empathy)/;
const SEQ = /^seq (\d+):\s*(.*)$/s;

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** Urgent kinds that call for an acknowledgement (harassment calls for a polite ending instead, knowledge §A). */
const ACKNOWLEDGE_KINDS: ReadonlySet<string> = new Set(["escalation_threat", "manager_request", "insult"]);

/**
 * The customer's anger, in a hint: the tone rose into angry or hostile, or a
 * new urgent signal other than harassment arrived. A tone that merely stays
 * angry across hints is the same anger, not a new one.
 */
function isAnger(h: HintEvent, previous: HintEvent | undefined): boolean {
  const rank = toneRank(h.tone.level);
  if (rank >= 2 && rank > (previous ? toneRank(previous.tone.level) : 0)) return true;
  return h.priority === "urgent" && h.signals.some((s) => ACKNOWLEDGE_KINDS.has(s.kind));
}

/** The transcript line a seq belongs to (a partial cites its final). */
function lineOf(view: CallView, seq: number): ChunkView | undefined {
  const v = view.bySeq.get(seq);
  if (!v) return undefined;
  return view.bySeq.get(v.utteranceSeq) ?? v;
}

function cite(view: CallView, rule: QaRule, seq: number, detail: string, fallback = ""): Finding {
  const line = lineOf(view, seq);
  return line
    ? { rule, seq: line.chunk.seq, speaker: line.chunk.speaker, text: line.chunk.text, detail }
    : { rule, seq, speaker: "agent", text: fallback, detail };
}

function angerDetail(h: HintEvent): string {
  const urgent = [...new Set(h.signals.filter((s) => URGENT_KINDS.has(s.kind)).map((s) => s.kind))];
  return `tone ${h.tone.level}${urgent.length > 0 ? `, ${urgent.join(", ")}` : ""} at seq ${h.seq}`;
}

/**
 * Whether a hold the analyzer reported at `seq` is one this scorecard already
 * flagged: the same agent turn, or an earlier one with no customer line in
 * between ("please hold" … "thanks for holding").
 */
function sameHold(view: CallView, findings: readonly Finding[], seq: number): boolean {
  const flagged = new Set(findings.filter((f) => f.rule === "hold_after_anger").map((f) => f.seq));
  if (flagged.has(seq)) return true;
  const at = view.lines.findIndex((v) => v.chunk.seq === seq);
  for (let i = at - 1; i >= 0; i--) {
    const v = view.lines[i] as ChunkView;
    if (v.chunk.speaker === "customer") return false;
    if (flagged.has(v.chunk.seq)) return true;
  }
  return false;
}

/** The scorecard of one call, from its derived view. */
export function scoreView(view: CallView, options: ScorecardOptions = {}): CallScorecard {
  const withinMs = options.empathyWithinMs ?? 30_000;
  const record = view.record;
  const findings: Finding[] = [];
  const acts: AgentAct[] = [];
  let angerMoments = 0;
  let answeredInTime = 0;
  let agentTurns = 0;
  let waiting: { hint: HintEvent; agentSpoke: boolean } | undefined;
  let tone: HintEvent | undefined;
  let previousTurnTimed = false;
  let lastPromiseConcrete = false;
  let h = 0;
  const hints = record.hints;

  const overdue = (atMs: number): void => {
    if (waiting && atMs - waiting.hint.atMs > withinMs) {
      findings.push(
        cite(
          view,
          "empathy_missing",
          waiting.hint.seq,
          `no empathy or apology from the agent within ${seconds(withinMs)} of the customer's anger (${angerDetail(waiting.hint)})`,
        ),
      );
      waiting = undefined;
    }
  };

  for (const v of view.chunks) {
    const c = v.chunk;
    if (c.speaker === "agent" && v.final) {
      agentTurns++;
      const act = agentAct(c.text, c.seq, v.atMs);
      acts.push(act);
      if (waiting) {
        waiting.agentSpoke = true;
        if (act.empathy !== undefined || act.apology !== undefined) {
          const late = v.atMs - waiting.hint.atMs;
          if (late <= withinMs) answeredInTime++;
          else
            findings.push(
              cite(
                view,
                "empathy_missing",
                waiting.hint.seq,
                `the agent's first empathy or apology came ${seconds(late)} after the customer's anger (${angerDetail(waiting.hint)}), at seq ${c.seq}; expected within ${seconds(withinMs)}`,
              ),
            );
          waiting = undefined;
        }
      }
      overdue(v.atMs);
      if (act.hold !== undefined && tone && toneRank(tone.tone.level) >= 2)
        findings.push(
          cite(
            view,
            "hold_after_anger",
            c.seq,
            `put the customer on hold ("${act.hold}") while their tone was ${tone.tone.level}`,
          ),
        );
      // A promise is concrete with a time of its own, when said with a hold (it is being kept now),
      // or when it follows a turn that gave the time, or a promise that was concrete itself.
      if (act.promise !== undefined) {
        const concrete: boolean =
          act.time !== undefined || act.hold !== undefined || previousTurnTimed || lastPromiseConcrete;
        lastPromiseConcrete = concrete;
        if (!concrete)
          findings.push(
            cite(
              view,
              "promise_without_time",
              c.seq,
              `promised "${act.promise}" with no concrete time${act.vague !== undefined ? ` ("${act.vague}" is not a time)` : ""}`,
            ),
          );
      }
      previousTurnTimed = act.time !== undefined;
    } else overdue(v.atMs);
    while (h < hints.length && (hints[h] as HintEvent).seq === c.seq) {
      const hint = hints[h] as HintEvent;
      if (!waiting && isAnger(hint, tone)) {
        waiting = { hint, agentSpoke: false };
        angerMoments++;
      }
      tone = hint;
      h++;
    }
  }
  if (waiting?.agentSpoke)
    findings.push(
      cite(
        view,
        "empathy_missing",
        waiting.hint.seq,
        `the agent never showed empathy or apologised after the customer's anger (${angerDetail(waiting.hint)}) before the call ended`,
      ),
    );

  // The analyzer's own QA findings: forbidden phrases, holds it saw, anything else.
  for (const f of record.summary.qa.findings) {
    const forbidden = FORBIDDEN.exec(f);
    const hold = HOLD.exec(f);
    if (forbidden) {
      findings.push(
        cite(
          view,
          "forbidden_phrase",
          Number(forbidden[1]),
          `said "${forbidden[2]}", which an agent must never say`,
          forbidden[2],
        ),
      );
    } else if (hold) {
      if (sameHold(view, findings, Number(hold[1]))) continue;
      findings.push(
        cite(
          view,
          "hold_after_anger",
          Number(hold[1]),
          `put the customer on hold ("${hold[2]}") after an angry turn`,
          hold[2],
        ),
      );
    } else if (!EMPATHY.test(f)) {
      const m = SEQ.exec(f);
      findings.push(
        m ? cite(view, "analyzer_finding", Number(m[1]), m[2] ?? f) : cite(view, "analyzer_finding", 0, f),
      );
    }
  }

  const unique = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.rule}|${f.seq}`;
    if (!unique.has(key)) unique.set(key, f);
  }
  const sorted = [...unique.values()].sort(
    (a, b) => a.seq - b.seq || QA_RULES.indexOf(a.rule) - QA_RULES.indexOf(b.rule),
  );
  return {
    callId: view.callId,
    agentId: view.agentId,
    angerMoments,
    answeredInTime,
    agentTurns,
    empathyTurns: acts.filter((a) => a.empathy !== undefined || a.apology !== undefined).length,
    holdTurns: acts.filter((a) => a.hold !== undefined).length,
    promiseTurns: acts.filter((a) => a.promise !== undefined).length,
    findings: sorted,
    acts,
  };
}

/** The scorecard of one recorded call. */
export function scoreCall(record: CallRecord, options: ScorecardOptions = {}): CallScorecard {
  return scoreView(viewCall(record, options.untimedTurnMs ?? UNTIMED_TURN_MS), options);
}

function emptyByRule(): Record<QaRule, number> {
  return Object.fromEntries(QA_RULES.map((r) => [r, 0])) as Record<QaRule, number>;
}

/** Per-agent totals over call scorecards, sorted by agent id. */
export function scoreAgents(cards: readonly CallScorecard[]): AgentScorecard[] {
  const byAgent = new Map<string, AgentScorecard>();
  for (const card of cards) {
    let a = byAgent.get(card.agentId);
    if (!a) {
      a = {
        agentId: card.agentId,
        calls: 0,
        cleanCalls: 0,
        angerMoments: 0,
        answeredInTime: 0,
        empathyRate: null,
        findings: 0,
        byRule: emptyByRule(),
        flaggedCalls: [],
      };
      byAgent.set(card.agentId, a);
    }
    a.calls++;
    if (card.findings.length === 0) a.cleanCalls++;
    else a.flaggedCalls.push(card.callId);
    a.angerMoments += card.angerMoments;
    a.answeredInTime += card.answeredInTime;
    a.findings += card.findings.length;
    for (const f of card.findings) a.byRule[f.rule]++;
  }
  const out = [...byAgent.values()].sort((x, y) =>
    x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0,
  );
  for (const a of out)
    a.empathyRate = a.angerMoments > 0 ? Math.round((a.answeredInTime / a.angerMoments) * 1000) / 1000 : null;
  return out;
}
