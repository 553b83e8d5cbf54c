import { readFileSync } from "node:fs";
import { expandPaths } from "../cli/input.js";

/** A line of a JSONL file that was not valid JSON. */
export interface BadLine {
  file: string;
  line: number;
}

export interface LoadedMessages {
  /** The `.jsonl` files read, sorted (folders are walked recursively). */
  files: string[];
  /** Every parsed line, file after file, in order. */
  messages: unknown[];
  badLines: BadLine[];
}

/**
 * Reads recorded calls from JSONL files or folders (SPEC §8: wire messages,
 * one per line). Files are read in sorted order, so the result, and every
 * report built from it, is the same on every run.
 */
export function loadMessages(paths: readonly string[]): LoadedMessages {
  const files = expandPaths(paths);
  const messages: unknown[] = [];
  const badLines: BadLine[] = [];
  for (const file of files) {
    readFileSync(file, "utf8")
      .split(/\r?\n/)
      .forEach((text, i) => {
        if (text.trim() === "") return;
        try {
          messages.push(JSON.parse(text));
        } catch {
          badLines.push({ file, line: i + 1 });
        }
      });
  }
  return { files, messages, badLines };
}
