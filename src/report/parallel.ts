import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { expandPaths } from "../cli/input.js";
import type { CallRecord } from "./collect.js";

export interface ParallelCollection {
  files: string[];
  records: CallRecord[];
  skipped: number;
}

/**
 * Replays files on worker threads (one analyzer each, every core), a file at
 * a time; results are put back in file order, so the outcome does not depend
 * on which worker finished first. A call must not span files.
 */
export async function collectInParallel(
  paths: readonly string[],
  onProgress: (filesDone: number, files: number, calls: number) => void,
  workers = Math.max(1, Math.min(availableParallelism(), 8)),
): Promise<ParallelCollection> {
  const files = expandPaths(paths);
  const results: { records: CallRecord[]; skipped: number }[] = new Array(files.length);
  let next = 0;
  let done = 0;
  let calls = 0;
  const pool = Array.from(
    { length: Math.min(workers, Math.max(1, files.length)) },
    () => new Worker(new URL("./worker.js", import.meta.url)),
  );
  await Promise.all(
    pool.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const feed = () => {
            if (next < files.length) {
              const index = next++;
              w.postMessage({ index, file: files[index] });
            } else {
              w.postMessage(null);
            }
          };
          w.on("message", (m: { index: number; records: CallRecord[]; skipped: number }) => {
            results[m.index] = { records: m.records, skipped: m.skipped };
            done++;
            calls += m.records.length;
            onProgress(done, files.length, calls);
            feed();
          });
          w.on("error", reject);
          w.on("exit", () => resolve());
          feed();
        }),
    ),
  );
  return {
    files,
    records: results.flatMap((r) => r?.records ?? []),
    skipped: results.reduce((n, r) => n + (r?.skipped ?? 0), 0),
  };
}
