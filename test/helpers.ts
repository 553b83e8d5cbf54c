import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { type Analyzer, createAnalyzer } from "../src/analyzer.js";
import type { AnalyzerEvent, ChunkMessage, HintEvent, Signal, SummaryEvent } from "../src/types.js";

let shared: Analyzer | undefined;
/** One analyzer for the whole test file (the lexicon compiles once). */
export function analyzer(): Analyzer {
  shared ??= createAnalyzer();
  return shared;
}

let n = 0;
/** Pushes customer (or agent) lines as final chunks of a fresh call; returns every event and the summary. */
export function runCall(
  lines: (string | Partial<ChunkMessage>)[],
  language?: string,
): { events: AnalyzerEvent[]; hints: HintEvent[]; signals: Signal[]; summary: SummaryEvent } {
  const callId = `t-${++n}`;
  const call = analyzer().openCall({ callId, language });
  const events: AnalyzerEvent[] = [];
  lines.forEach((l, i) => {
    const chunk: ChunkMessage = {
      type: "chunk",
      callId,
      seq: i + 1,
      speaker: "customer",
      text: "",
      final: true,
      ...(typeof l === "string" ? { text: l } : l),
    };
    events.push(...call.push(chunk));
  });
  const summary = call.end();
  const hints = events.filter((e): e is HintEvent => e.type === "hint");
  return { events, hints, signals: hints.flatMap((h) => h.signals), summary };
}

/** The customer signal kinds a single utterance produces (from the summary's counts). */
export function kindsOf(text: string, language?: string): string[] {
  return Object.keys(runCall([text], language).summary.signalCounts).sort();
}

/** The messages of a JSONL file, one object per non-empty line. */
export function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Runs the real command line (`node bin/callcue.js …`) and returns its stdout. */
export async function callcue(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await promisify(execFile)("node", ["bin/callcue.js", ...args], { timeout: timeoutMs });
  return stdout;
}
