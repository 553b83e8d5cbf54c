import type { Analyzer } from "../analyzer.js";
import { openOptions } from "../analyzer.js";
import { CallcueError } from "../errors.js";
import type { Call } from "../session/call.js";
import { validateMessage } from "../session/validate.js";
import type { ChunkMessage, HintEvent, StartMessage, SummaryEvent } from "../types.js";

/** One recorded call as the analyzer saw it: what came in, what it pushed, how it ended. */
export interface CallRecord {
  start: StartMessage;
  /** Every chunk the analyzer accepted, partials included, in arrival order. */
  chunks: ChunkMessage[];
  hints: HintEvent[];
  summary: SummaryEvent;
}

/** A message that was skipped, with its position in the input. */
export interface SkippedMessage {
  index: number;
  code: string;
  message: string;
  callId?: string;
}

export interface Collection {
  /** One record per `start`, in the order the calls started. */
  records: CallRecord[];
  /** Messages that were not valid or did not belong to an open call. */
  skipped: SkippedMessage[];
  /** Calls that had no `end` and were ended when the input ran out. */
  endedAtEndOfInput: string[];
}

interface Open {
  record: Omit<CallRecord, "summary"> & { summary?: SummaryEvent };
  call: Call;
}

/**
 * Runs interleaved wire messages (start, chunk and end of many calls) through
 * the analyzer and keeps each call's chunks, hints and summary. Calls without
 * an `end` are ended at the end of the input; bad messages are skipped and
 * listed. A `callId` may be reused once its call has ended (a new record).
 */
export function collectCalls(messages: readonly unknown[], analyzer: Analyzer): Collection {
  const records: Open["record"][] = [];
  const open = new Map<string, Open>();
  const skipped: SkippedMessage[] = [];
  const endedAtEndOfInput: string[] = [];
  const skip = (index: number, code: string, message: string, callId?: string): void => {
    const s: SkippedMessage = { index, code, message };
    if (callId !== undefined) s.callId = callId;
    skipped.push(s);
  };

  for (let index = 0; index < messages.length; index++) {
    const raw = messages[index];
    let m: ReturnType<typeof validateMessage>;
    try {
      m = validateMessage(raw);
    } catch (err) {
      const e = err instanceof CallcueError ? err : undefined;
      const callId = (raw as { callId?: unknown } | null)?.callId;
      skip(
        index,
        e?.code ?? "CC_ERR_BAD_MESSAGE",
        e?.message ?? "the message could not be read",
        typeof callId === "string" ? callId : undefined,
      );
      continue;
    }
    const current = open.get(m.callId);
    if (m.type === "start") {
      if (current) {
        skip(index, "CC_ERR_CALL_EXISTS", "the call is already open", m.callId);
        continue;
      }
      const record: Open["record"] = { start: m, chunks: [], hints: [] };
      records.push(record);
      open.set(m.callId, { record, call: analyzer.openCall(openOptions(m)) });
      continue;
    }
    if (!current) {
      skip(index, "CC_ERR_UNKNOWN_CALL", "no open call with this callId", m.callId);
      continue;
    }
    if (m.type === "end") {
      current.record.summary = current.call.end();
      open.delete(m.callId);
      continue;
    }
    // Vendor messages become wire chunks first, so the report shows what was analysed.
    let chunks: ChunkMessage[];
    try {
      chunks = m.type === "vendor" ? current.call.adapt(m) : [m];
    } catch (err) {
      const e = err as CallcueError;
      skip(index, e.code ?? "CC_ERR_BAD_MESSAGE", e.message, m.callId);
      continue;
    }
    for (const c of chunks) {
      const events = current.call.push(c);
      const error = events.find((e) => e.type === "error");
      if (error) {
        skip(index, error.code, error.message, m.callId);
        continue;
      }
      current.record.chunks.push(c);
      for (const e of events) if (e.type === "hint") current.record.hints.push(e);
    }
  }

  for (const [callId, { record, call }] of open) {
    record.summary = call.end();
    endedAtEndOfInput.push(callId);
  }
  return { records: records as CallRecord[], skipped, endedAtEndOfInput };
}

/** `collectCalls(...).records`: the calls of the input, in the order they started. */
export function recordCalls(messages: unknown[], analyzer: Analyzer): CallRecord[] {
  return collectCalls(messages, analyzer).records;
}
