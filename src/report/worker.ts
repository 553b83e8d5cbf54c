import { parentPort } from "node:worker_threads";
import { createAnalyzer } from "../analyzer.js";
import { collectCalls } from "./collect.js";
import { loadMessages } from "./files.js";

/** A replay worker: one analyzer, files in, per-file call records out (structured clone). */
const analyzer = createAnalyzer();
parentPort?.on("message", (job: { index: number; file: string } | null) => {
  if (job === null) {
    parentPort?.close();
    return;
  }
  const loaded = loadMessages([job.file]);
  const collection = collectCalls(loaded.messages, analyzer);
  parentPort?.postMessage({
    index: job.index,
    records: collection.records,
    skipped: loaded.badLines.length + collection.skipped.length,
  });
});
