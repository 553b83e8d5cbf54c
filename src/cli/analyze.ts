import { createAnalyzer } from "../analyzer.js";
import { readLines } from "./input.js";
import { CallRouter } from "./replay-calls.js";

/**
 * `callcue analyze [FILE…]`: JSONL messages in (files or stdin, calls
 * interleaved), JSONL events out. Deterministic: no clocks, no randomness.
 * A bad line is reported on stderr with its file and line, and the rest goes on.
 */
export async function analyzeCommand(files: string[]): Promise<number> {
  const router = new CallRouter(createAnalyzer());
  let errors = 0;
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    out.length = 0;
  };
  for await (const { file, line, text } of readLines(files)) {
    for (const e of router.line(text)) {
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
