import { type CustomerKind, LABELS, type Label, type ThreatTarget, type ToneLevel } from "../types.js";
import type { CallRecord } from "./collect.js";
import {
  type AgentScorecard,
  type CallScorecard,
  type Finding,
  QA_RULES,
  type QaRule,
  type ScorecardOptions,
  scoreAgents,
  scoreView,
} from "./scorecard.js";
import { type CallView, THREAT_TARGETS, TONE_LEVELS, toneRank, UNTIMED_TURN_MS, viewCall } from "./view.js";

export interface ReportOptions extends ScorecardOptions {
  title?: string;
  /** Printed as given (e.g. an ISO date); absent by default so that the same input gives the same bytes. */
  generatedAt?: string;
  /** How many calls the worst-calls list keeps. @default 10 */
  worstLimit?: number;
  /** Messages the collector skipped (see `collectCalls`), reported when given. */
  skippedMessages?: number;
}

export interface CallReport {
  callId: string;
  language: string;
  agentId: string;
  label: Label;
  confidence: number;
  runnerUp: Label;
  toneFinal: { level: ToneLevel; score: number };
  tonePeak: { level: ToneLevel; score: number; atSeq: number };
  /** Urgent signals (escalation threat, manager request, harassment, insult), each once per utterance. */
  urgentSignals: number;
  escalationTargets: ThreatTarget[];
  hintCount: number;
  signalCounts: Partial<Record<CustomerKind, number>>;
  findings: Finding[];
}

export interface WorstCall {
  callId: string;
  agentId: string;
  label: Label;
  urgentSignals: number;
  tonePeak: { level: ToneLevel; score: number };
  escalationTargets: ThreatTarget[];
  findings: number;
}

export interface BatchReport {
  calls: number;
  skippedMessages?: number;
  labelDistribution: Record<Label, number>;
  /** Calls per peak tone level. */
  toneDistribution: Record<ToneLevel, number>;
  /** Calls with an urgent signal or an angry peak, by urgent signal count, then peak tone score. */
  worstCalls: WorstCall[];
  escalationByTarget: Record<ThreatTarget, { signals: number; calls: string[] }>;
  findingsByRule: Record<QaRule, number>;
  scorecardByAgent: AgentScorecard[];
}

export interface JsonReport {
  title?: string;
  generatedAt?: string;
  batch: BatchReport;
  calls: CallReport[];
}

/** Everything the reports need about one call, computed once. */
export interface AnalyzedCall {
  view: CallView;
  card: CallScorecard;
  report: CallReport;
}

export function analyzeCall(record: CallRecord, options: ScorecardOptions = {}): AnalyzedCall {
  const view = viewCall(record, options.untimedTurnMs ?? UNTIMED_TURN_MS);
  const card = scoreView(view, options);
  const s = record.summary;
  const report: CallReport = {
    callId: view.callId,
    language: s.language,
    agentId: view.agentId,
    label: s.customerType.label,
    confidence: s.customerType.confidence,
    runnerUp: s.customerType.runnerUp,
    toneFinal: { level: s.tone.final.level, score: s.tone.final.score },
    tonePeak: { level: s.tone.peak.level, score: s.tone.peak.score, atSeq: s.tone.peak.atSeq },
    urgentSignals: view.urgent.length,
    escalationTargets: view.escalationTargets,
    hintCount: s.hintCount,
    signalCounts: { ...s.signalCounts },
    findings: card.findings,
  };
  return { view, card, report };
}

export function analyzeCalls(records: readonly CallRecord[], options: ScorecardOptions = {}): AnalyzedCall[] {
  return records.map((r) => analyzeCall(r, options));
}

function compareWorst(a: CallReport, b: CallReport): number {
  return (
    b.urgentSignals - a.urgentSignals ||
    b.tonePeak.score - a.tonePeak.score ||
    toneRank(b.tonePeak.level) - toneRank(a.tonePeak.level) ||
    b.findings.length - a.findings.length ||
    (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0)
  );
}

/** The batch section from analysed calls (shared by the JSON and HTML reports). */
export function buildBatch(calls: readonly AnalyzedCall[], options: ReportOptions = {}): BatchReport {
  const labelDistribution = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<Label, number>;
  const toneDistribution = Object.fromEntries(TONE_LEVELS.map((l) => [l, 0])) as Record<ToneLevel, number>;
  const escalationByTarget = Object.fromEntries(
    THREAT_TARGETS.map((t) => [t, { signals: 0, calls: [] as string[] }]),
  ) as BatchReport["escalationByTarget"];
  const findingsByRule = Object.fromEntries(QA_RULES.map((r) => [r, 0])) as Record<QaRule, number>;
  for (const { view, report } of calls) {
    labelDistribution[report.label]++;
    toneDistribution[report.tonePeak.level]++;
    for (const e of view.escalations) {
      const t = e.signal.target;
      if (!t) continue;
      const entry = escalationByTarget[t];
      entry.signals++;
      if (entry.calls[entry.calls.length - 1] !== report.callId) entry.calls.push(report.callId);
    }
    for (const f of report.findings) findingsByRule[f.rule]++;
  }
  const worstCalls = calls
    .map((c) => c.report)
    .filter((r) => r.urgentSignals > 0 || toneRank(r.tonePeak.level) >= 2)
    .sort(compareWorst)
    .slice(0, Math.max(0, options.worstLimit ?? 10))
    .map(
      (r): WorstCall => ({
        callId: r.callId,
        agentId: r.agentId,
        label: r.label,
        urgentSignals: r.urgentSignals,
        tonePeak: { level: r.tonePeak.level, score: r.tonePeak.score },
        escalationTargets: r.escalationTargets,
        findings: r.findings.length,
      }),
    );
  return {
    calls: calls.length,
    ...(options.skippedMessages !== undefined ? { skippedMessages: options.skippedMessages } : {}),
    labelDistribution,
    toneDistribution,
    worstCalls,
    escalationByTarget,
    findingsByRule,
    scorecardByAgent: scoreAgents(calls.map((c) => c.card)),
  };
}

/**
 * The QA report as data: one entry per call and the batch totals.
 * Deterministic: the same records and options give the same report (no clock is read).
 */
export function buildJsonReport(records: readonly CallRecord[], options: ReportOptions = {}): JsonReport {
  const calls = analyzeCalls(records, options);
  const out: Pick<JsonReport, "title" | "generatedAt"> = {};
  if (options.title !== undefined) out.title = options.title;
  if (options.generatedAt !== undefined) out.generatedAt = options.generatedAt;
  return { ...out, batch: buildBatch(calls, options), calls: calls.map((c) => c.report) };
}

/** The report as JSON text (2-space indent, trailing newline): byte for byte the same for the same input. */
export function formatJsonReport(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
