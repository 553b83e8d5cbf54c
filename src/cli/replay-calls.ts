import { type Analyzer, openOptions } from "../analyzer.js";
import type { CallcueError } from "../errors.js";
import type { Call } from "../session/call.js";
import { validateMessage } from "../session/validate.js";
import type { AnalyzerEvent, ErrorEvent, StartMessage } from "../types.js";

/**
 * Runs interleaved JSONL messages of many calls through one analyzer, line by
 * line, as `callcue analyze` and `callcue eval` do. A bad line becomes an
 * error event and the other calls go on.
 */
export class CallRouter {
  private readonly calls = new Map<string, Call>();
  readonly starts = new Map<string, StartMessage>();

  constructor(private readonly analyzer: Analyzer) {}

  /** Feeds one line; returns the events it causes (errors carry the line's position in `message`). */
  line(text: string): AnalyzerEvent[] {
    if (text.trim() === "") return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [{ type: "error", code: "CC_ERR_BAD_JSON", message: "the line is not valid JSON" }];
    }
    return this.message(parsed);
  }

  message(parsed: unknown): AnalyzerEvent[] {
    let m: ReturnType<typeof validateMessage>;
    try {
      m = validateMessage(parsed);
    } catch (err) {
      const e = err as CallcueError;
      const out: ErrorEvent = { type: "error", code: e.code ?? "CC_ERR_BAD_MESSAGE", message: e.message };
      const callId = (parsed as { callId?: unknown } | null)?.callId;
      if (typeof callId === "string") out.callId = callId;
      return [out];
    }
    const call = this.calls.get(m.callId);
    if (m.type === "start") {
      if (call)
        return [
          {
            type: "error",
            code: "CC_ERR_CALL_EXISTS",
            message: "the call is already open",
            callId: m.callId,
          },
        ];
      this.calls.set(m.callId, this.analyzer.openCall(openOptions(m)));
      this.starts.set(m.callId, m);
      return [];
    }
    if (!call) {
      const code = this.starts.has(m.callId) ? "CC_ERR_CALL_ENDED" : "CC_ERR_UNKNOWN_CALL";
      return [{ type: "error", code, message: messageFor(code), callId: m.callId }];
    }
    const events = call.push(m);
    if (m.type === "end") this.calls.delete(m.callId);
    return events;
  }

  /** Ends every call still open (input ended without their `end`), in the order they started. */
  finish(): AnalyzerEvent[] {
    const out: AnalyzerEvent[] = [];
    for (const [id, call] of this.calls) {
      out.push(call.end());
      this.calls.delete(id);
    }
    return out;
  }
}

function messageFor(code: string): string {
  return code === "CC_ERR_CALL_ENDED" ? "the call has ended" : "no start was seen for this call";
}
