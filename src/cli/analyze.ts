import { basename } from "node:path";
import { createAnalyzer } from "../analyzer.js";
import type { AnalyzerEvent } from "../types.js";
import { readLines } from "./input.js";
import { CallRouter } from "./replay-calls.js";

/** Options for recorded ASR vendor output: one call per file, one native message per line. */
export interface VendorInput {
  format?: string;
  /** Default: the file name without extension (stdin: "call"). */
  callId?: string;
  language?: string;
  /** JSON, e.g. '{"ch_0":"agent","ch_1":"customer"}'. */
  channelMap?: string;
}

/** With `--format`, each file's lines are one call's vendor messages: start, vendor…, end are added around them. */
function vendorWrapper(
  v: VendorInput,
  router: CallRouter,
): ((file: string, text: string) => AnalyzerEvent[]) | undefined {
  if (!v.format) return undefined;
  const channelMap = v.channelMap ? (JSON.parse(v.channelMap) as Record<string, unknown>) : undefined;
  let current: string | undefined;
  return (file, text) => {
    const out: AnalyzerEvent[] = [];
    const callId = v.callId ?? (file === "-" ? "call" : basename(file).replace(/\.[^.]*$/, ""));
    if (current !== callId) {
      if (current !== undefined) out.push(...router.message({ type: "end", callId: current }));
      current = callId;
      out.push(
        ...router.message({ type: "start", callId, format: v.format, language: v.language, channelMap }),
      );
    }
    if (text.trim() === "") return out;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return [
        ...out,
        { type: "error", code: "CC_ERR_BAD_JSON", message: "the line is not valid JSON", callId },
      ];
    }
    return [...out, ...router.message({ type: "vendor", callId, payload })];
  };
}

/**
 * `callcue analyze [FILE…]`: JSONL messages in (files or stdin, calls
 * interleaved), JSONL events out. Deterministic: no clocks, no randomness.
 * A bad line is reported on stderr with its file and line, and the rest goes on.
 */
export async function analyzeCommand(files: string[], vendor: VendorInput = {}): Promise<number> {
  const router = new CallRouter(createAnalyzer());
  const wrap = vendorWrapper(vendor, router);
  let errors = 0;
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    out.length = 0;
  };
  for await (const { file, line, text } of readLines(files)) {
    for (const e of wrap ? wrap(file, text) : router.line(text)) {
      if (e.type === "error") {
        errors++;
        process.stderr.write(`${JSON.stringify({ ...e, file, line })}\n`);
      } else out.push(JSON.stringify(e));
    }
    if (out.length >= 512) flush();
  }
  for (const e of router.finish()) out.push(JSON.stringify(e));
  flush();
  return errors > 0 ? 1 : 0;
}
