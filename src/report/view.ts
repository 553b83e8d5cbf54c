import {
  type ChunkMessage,
  type HintEvent,
  type Signal,
  type ThreatTarget,
  type ToneLevel,
  URGENT_KINDS,
} from "../types.js";
import type { CallRecord } from "./collect.js";

/** Call time per final utterance when chunks carry no timestamps (the analyzer's default). */
export const UNTIMED_TURN_MS = 4_000;

export const TONE_LEVELS: readonly ToneLevel[] = ["calm", "tense", "angry", "hostile"];
export const THREAT_TARGETS: readonly ThreatTarget[] = ["regulator", "media", "legal", "social"];

export function toneRank(level: ToneLevel): number {
  return TONE_LEVELS.indexOf(level);
}

export interface ChunkView {
  chunk: ChunkMessage;
  /** Call time of this chunk, on the analyzer's clock (endMs, else startMs, else 4 s per final turn). */
  atMs: number;
  final: boolean;
  /** Seq of the final chunk that replaces this partial (its own seq when final, or when never finalised). */
  utteranceSeq: number;
}

/** A customer signal from the hints, deduplicated and placed on the transcript line it was said in. */
export interface PlacedSignal {
  signal: Signal;
  /** Seq of the transcript line (the final utterance) the evidence belongs to. */
  seq: number;
  atMs: number;
  /** Span in that line's text, when the evidence could be placed there. */
  span?: { start: number; end: number };
}

export interface CallView {
  record: CallRecord;
  callId: string;
  agentId: string;
  chunks: ChunkView[];
  bySeq: Map<number, ChunkView>;
  /** Final chunks (and partials never finalised): the transcript. */
  lines: ChunkView[];
  signals: PlacedSignal[];
  /** Urgent signals (SPEC §6), each kind and target once per utterance. */
  urgent: PlacedSignal[];
  /** Distinct escalation targets, in `THREAT_TARGETS` order. */
  escalationTargets: ThreatTarget[];
  /** Escalation threats, each target once per utterance. */
  escalations: PlacedSignal[];
  /** Time of the last chunk (or hint). */
  endMs: number;
}

/** The agent id of a call (`start.meta.agentId`), or "unknown". */
export function agentIdOf(record: CallRecord): string {
  const id = record.start.meta?.agentId;
  return typeof id === "string" && id.length > 0 ? id : typeof id === "number" ? String(id) : "unknown";
}

/** Replays the analyzer's clock over the chunks (SPEC §3 timing; untimed turns count 4 s each). */
export function chunkTimes(chunks: readonly ChunkMessage[], untimedTurnMs = UNTIMED_TURN_MS): number[] {
  let now = 0;
  return chunks.map((c) => {
    const final = c.final !== false;
    const at = c.endMs ?? c.startMs ?? (final ? now + untimedTurnMs : now);
    if (at > now) now = at;
    return at;
  });
}

function placeSpan(line: ChunkMessage, source: ChunkMessage | undefined, s: Signal): PlacedSignal["span"] {
  const { start, end, text } = s.evidence;
  if (end <= start) return undefined;
  if (line.text.slice(start, end) === text) return { start, end };
  if (source && source !== line) {
    const at = line.text.indexOf(text);
    if (at >= 0) return { start: at, end: at + text.length };
  }
  return undefined;
}

/** The derived, read-only view of one record that the scorecard and both reports use. */
export function viewCall(record: CallRecord, untimedTurnMs = UNTIMED_TURN_MS): CallView {
  const times = chunkTimes(record.chunks, untimedTurnMs);
  const chunks: ChunkView[] = record.chunks.map((chunk, i) => ({
    chunk,
    atMs: times[i] ?? 0,
    final: chunk.final !== false,
    utteranceSeq: chunk.seq,
  }));
  // A partial is replaced by the later final of its segment, or of the same speaker's open utterance.
  chunks.forEach((v, i) => {
    if (v.final) return;
    for (let j = i + 1; j < chunks.length; j++) {
      const w = chunks[j] as ChunkView;
      if (w.chunk.speaker !== v.chunk.speaker) continue;
      if (v.chunk.segmentId !== undefined && w.chunk.segmentId !== v.chunk.segmentId) {
        if (w.final) break;
        continue;
      }
      if (w.final) {
        v.utteranceSeq = w.chunk.seq;
        break;
      }
    }
  });
  const bySeq = new Map<number, ChunkView>();
  for (const v of chunks) if (!bySeq.has(v.chunk.seq)) bySeq.set(v.chunk.seq, v);
  const lines = chunks.filter((v) => v.final || v.utteranceSeq === v.chunk.seq);

  const seen = new Set<string>();
  const signals: PlacedSignal[] = [];
  const urgentSeen = new Set<string>();
  const urgent: PlacedSignal[] = [];
  const escalations: PlacedSignal[] = [];
  const targets = new Set<ThreatTarget>();
  for (const h of record.hints) {
    for (const s of h.signals) {
      if (s.speaker !== "customer") continue;
      const source = bySeq.get(s.evidence.seq);
      const lineSeq = source?.utteranceSeq ?? s.evidence.seq;
      const line = bySeq.get(lineSeq) ?? source;
      const span = line ? placeSpan(line.chunk, source?.chunk, s) : undefined;
      const key = `${s.kind}|${s.target ?? ""}|${lineSeq}|${span ? `${span.start}-${span.end}` : s.evidence.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const placed: PlacedSignal = { signal: s, seq: lineSeq, atMs: source?.atMs ?? h.atMs };
      if (span) placed.span = span;
      signals.push(placed);
      if (URGENT_KINDS.has(s.kind)) {
        const ukey = `${s.kind}|${s.target ?? ""}|${lineSeq}`;
        if (!urgentSeen.has(ukey)) {
          urgentSeen.add(ukey);
          urgent.push(placed);
          if (s.kind === "escalation_threat") {
            escalations.push(placed);
            if (s.target) targets.add(s.target);
          }
        }
      }
    }
  }
  const lastChunk = chunks.reduce((m, c) => Math.max(m, c.atMs), 0);
  const lastHint = record.hints.reduce((m, h: HintEvent) => Math.max(m, h.atMs), 0);
  return {
    record,
    callId: record.start.callId,
    agentId: agentIdOf(record),
    chunks,
    bySeq,
    lines,
    signals,
    urgent,
    escalationTargets: THREAT_TARGETS.filter((t) => targets.has(t)),
    escalations,
    endMs: Math.max(lastChunk, lastHint),
  };
}
