import { readFileSync } from "node:fs";
import { type Analyzer, createAnalyzer } from "../analyzer.js";
import {
  type AnalyzerEvent,
  CUSTOMER_KINDS,
  type CustomerKind,
  type HintEvent,
  LABELS,
  type Label,
  type SummaryEvent,
  URGENT_KINDS,
} from "../types.js";
import { expandPaths } from "./input.js";
import { CallRouter } from "./replay-calls.js";

interface Expected {
  customerType: Label;
  signals: CustomerKind[];
}

export interface CallResult {
  file: string;
  callId: string;
  language: string;
  expected: Expected;
  predicted: Label;
  detected: CustomerKind[];
  /** For each expected urgent kind: chunks from the end of the utterance that carried it to its first hint (negative: pushed from a partial), or null if never pushed. */
  lag: Record<string, number | null>;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  calls: number;
  labelAccuracy: number;
  macroF1: number;
  perLabel: Record<string, Prf>;
  signalRecall: number;
  signalPrecision: number;
  perSignal: Record<string, Prf>;
  perLanguage: Record<
    string,
    { calls: number; labelAccuracy: number; macroF1: number; signalRecall: number; signalPrecision: number }
  >;
  confusion: Record<string, Record<string, number>>;
  lag: { meanChunks: number | null; missed: number; pushed: number };
  mistakes: { file: string; expected: string; predicted: string; missing: string[]; extra: string[] }[];
}

function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: r3(precision), recall: r3(recall), f1: r3(f1), support: tp + fn };
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Runs one labelled transcript file; one result per call that has `meta.expected`. */
export function evalFile(analyzer: Analyzer, file: string): CallResult[] {
  const router = new CallRouter(analyzer);
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const events: AnalyzerEvent[] = [];
  const segmentOfSeq = new Map<string, string>();
  const finalSeqOfSegment = new Map<string, number>();
  for (const text of lines) {
    if (text.trim() === "") continue;
    try {
      const m = JSON.parse(text) as {
        type?: string;
        callId?: string;
        seq?: number;
        segmentId?: string;
        final?: boolean;
        speaker?: string;
      };
      if (m.type === "chunk" && typeof m.seq === "number") {
        const seg = `${m.callId}\u0000${m.segmentId ?? `seq${m.seq}`}`;
        segmentOfSeq.set(`${m.callId}\u0000${m.seq}`, seg);
        if (m.final !== false) finalSeqOfSegment.set(seg, m.seq);
      }
    } catch {
      // reported by the router below
    }
    events.push(...router.line(text));
  }
  events.push(...router.finish());
  const results: CallResult[] = [];
  for (const e of events) {
    if (e.type !== "summary") continue;
    const expected = (router.starts.get(e.callId)?.meta?.expected ?? undefined) as Expected | undefined;
    if (!expected) continue;
    const hints = events.filter((h): h is HintEvent => h.type === "hint" && h.callId === e.callId);
    const lag: Record<string, number | null> = {};
    for (const kind of expected.signals.filter((k) => URGENT_KINDS.has(k))) {
      const hint = hints.find((h) => h.signals.some((s) => s.kind === kind));
      if (!hint) {
        lag[kind] = null;
        continue;
      }
      const seg = segmentOfSeq.get(`${e.callId}\u0000${hint.seq}`);
      const finalSeq = seg ? finalSeqOfSegment.get(seg) : undefined;
      lag[kind] = finalSeq === undefined ? 0 : hint.seq - finalSeq;
    }
    results.push({
      file,
      callId: e.callId,
      language: (e as SummaryEvent).language,
      expected,
      predicted: e.customerType.label,
      detected: Object.keys(e.signalCounts) as CustomerKind[],
      lag,
    });
  }
  return results;
}

function score(results: CallResult[]): Omit<EvalReport, "perLanguage" | "mistakes" | "lag" | "confusion"> & {
  confusion: Record<string, Record<string, number>>;
} {
  const perLabel: Record<string, Prf> = {};
  const present = LABELS.filter((l) =>
    results.some((r) => r.expected.customerType === l || r.predicted === l),
  );
  for (const l of present) {
    const tp = results.filter((r) => r.expected.customerType === l && r.predicted === l).length;
    const fp = results.filter((r) => r.expected.customerType !== l && r.predicted === l).length;
    const fn = results.filter((r) => r.expected.customerType === l && r.predicted !== l).length;
    perLabel[l] = prf(tp, fp, fn);
  }
  const macroF1 = present.length
    ? present.reduce((s, l) => s + (perLabel[l] as Prf).f1, 0) / present.length
    : 0;
  const perSignal: Record<string, Prf> = {};
  let TP = 0;
  let FP = 0;
  let FN = 0;
  for (const k of CUSTOMER_KINDS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of results) {
      const exp = r.expected.signals.includes(k);
      const got = r.detected.includes(k);
      if (exp && got) tp++;
      else if (got) fp++;
      else if (exp) fn++;
    }
    if (tp + fp + fn === 0) continue;
    perSignal[k] = prf(tp, fp, fn);
    TP += tp;
    FP += fp;
    FN += fn;
  }
  const confusion: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const row = confusion[r.expected.customerType] ?? {};
    confusion[r.expected.customerType] = row;
    row[r.predicted] = (row[r.predicted] ?? 0) + 1;
  }
  return {
    calls: results.length,
    labelAccuracy: r3(
      results.filter((r) => r.expected.customerType === r.predicted).length / Math.max(1, results.length),
    ),
    macroF1: r3(macroF1),
    perLabel,
    signalRecall: r3(TP + FN === 0 ? 1 : TP / (TP + FN)),
    signalPrecision: r3(TP + FP === 0 ? 1 : TP / (TP + FP)),
    perSignal,
    confusion,
  };
}

/** `callcue eval DIR|FILE…`: precision, recall and F1 per label and per signal against `meta.expected`. */
export function evaluate(paths: string[], analyzer: Analyzer = createAnalyzer()): EvalReport {
  const results = expandPaths(paths).flatMap((f) => evalFile(analyzer, f));
  const base = score(results);
  const perLanguage: EvalReport["perLanguage"] = {};
  for (const lang of [...new Set(results.map((r) => r.language))].sort()) {
    const s = score(results.filter((r) => r.language === lang));
    perLanguage[lang] = {
      calls: s.calls,
      labelAccuracy: s.labelAccuracy,
      macroF1: s.macroF1,
      signalRecall: s.signalRecall,
      signalPrecision: s.signalPrecision,
    };
  }
  const lags = results.flatMap((r) => Object.values(r.lag));
  const pushed = lags.filter((l): l is number => l !== null);
  return {
    ...base,
    perLanguage,
    lag: {
      meanChunks: pushed.length ? r3(pushed.reduce((a, b) => a + b, 0) / pushed.length) : null,
      missed: lags.length - pushed.length,
      pushed: pushed.length,
    },
    mistakes: results
      .filter(
        (r) =>
          r.expected.customerType !== r.predicted ||
          r.expected.signals.some((k) => !r.detected.includes(k)) ||
          r.detected.some((k) => !r.expected.signals.includes(k)),
      )
      .map((r) => ({
        file: r.file,
        expected: r.expected.customerType,
        predicted: r.predicted,
        missing: r.expected.signals.filter((k) => !r.detected.includes(k)),
        extra: r.detected.filter((k) => !r.expected.signals.includes(k)),
      })),
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`.padStart(7);
}

/** The report as text tables. */
export function formatReport(r: EvalReport, verbose: boolean): string {
  const out: string[] = [];
  out.push(
    `calls ${r.calls}  label accuracy ${pct(r.labelAccuracy)}  macro-F1 ${r.macroF1.toFixed(3)}  signal recall ${pct(r.signalRecall)}  signal precision ${pct(r.signalPrecision)}`,
  );
  out.push("", "per language          calls  accuracy  macro-F1  sig.recall  sig.precision");
  for (const [l, s] of Object.entries(r.perLanguage))
    out.push(
      `  ${l.padEnd(20)} ${String(s.calls).padStart(5)}  ${pct(s.labelAccuracy)}  ${s.macroF1.toFixed(3).padStart(8)}  ${pct(s.signalRecall)}     ${pct(s.signalPrecision)}`,
    );
  out.push("", "per label             precision  recall      F1  support");
  for (const [l, p] of Object.entries(r.perLabel))
    out.push(
      `  ${l.padEnd(20)} ${pct(p.precision)}  ${pct(p.recall)}  ${p.f1.toFixed(3).padStart(6)}  ${String(p.support).padStart(7)}`,
    );
  out.push("", "per signal            precision  recall      F1  support");
  for (const [k, p] of Object.entries(r.perSignal))
    out.push(
      `  ${k.padEnd(20)} ${pct(p.precision)}  ${pct(p.recall)}  ${p.f1.toFixed(3).padStart(6)}  ${String(p.support).padStart(7)}`,
    );
  const labels = Object.keys(r.perLabel);
  out.push("", "confusion (rows expected, columns predicted)");
  out.push(`  ${"".padEnd(15)}${labels.map((l) => l.slice(0, 6).padStart(7)).join("")}`);
  for (const e of labels)
    out.push(
      `  ${e.padEnd(15)}${labels.map((p) => String(r.confusion[e]?.[p] ?? "·").padStart(7)).join("")}`,
    );
  out.push(
    "",
    `urgent-signal detection lag: mean ${r.lag.meanChunks ?? "–"} chunks vs the utterance's final (negative = pushed from a partial), ${r.lag.pushed} pushed, ${r.lag.missed} missed`,
  );
  if (verbose) {
    out.push("", "mistakes");
    for (const m of r.mistakes)
      out.push(
        `  ${m.file}: ${m.expected}${m.expected === m.predicted ? "" : ` → ${m.predicted}`}${m.missing.length ? `  missing ${m.missing.join(",")}` : ""}${m.extra.length ? `  extra ${m.extra.join(",")}` : ""}`,
      );
  }
  return out.join("\n");
}
