import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Lines of each file in order (or of stdin when there are none), with where they came from. */
export async function* readLines(
  files: readonly string[],
): AsyncGenerator<{ file: string; line: number; text: string }> {
  const sources = files.length > 0 ? files : ["-"];
  for (const file of sources) {
    const stream = file === "-" ? process.stdin : createReadStream(file, { encoding: "utf8" });
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    for await (const text of rl) yield { file, line: ++line, text };
  }
}

/** `.jsonl` files under the given files or folders, sorted, so runs are deterministic. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const entries = readdirSync(p).sort();
      out.push(
        ...expandPaths(
          entries.map((e) => join(p, e)).filter((e) => statSync(e).isDirectory() || e.endsWith(".jsonl")),
        ),
      );
    } else out.push(p);
  }
  return out;
}
