import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { ChunkMessage, StartMessage } from "../src/types.js";
import { readJsonl } from "./helpers.js";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The fixtures as calls: start plus final and partial chunks, in order (cycled to reach `limit`). */
export function fixtureCalls(limit?: number): { start: StartMessage; chunks: ChunkMessage[] }[] {
  const out: { start: StartMessage; chunks: ChunkMessage[] }[] = [];
  for (const lang of ["zh-Hans", "zh-Hant", "ko", "en"]) {
    for (const f of readdirSync(join("fixtures", lang)).sort()) {
      const lines = readJsonl(join("fixtures", lang, f));
      out.push({
        start: lines[0] as unknown as StartMessage,
        chunks: lines.filter((l) => l.type === "chunk") as unknown as ChunkMessage[],
      });
    }
  }
  if (limit === undefined) return out;
  // More calls than fixtures: the fixtures again, under new call ids.
  const all = [...out];
  for (let round = 2; all.length < limit; round++)
    for (const c of out) {
      if (all.length >= limit) break;
      const callId = `${c.start.callId}~${round}`;
      all.push({ start: { ...c.start, callId }, chunks: c.chunks.map((k) => ({ ...k, callId })) });
    }
  return all.slice(0, limit);
}

/** `callcue serve` in a process of its own; resolves once it prints that it listens. */
export async function spawnServe(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["bin/callcue.js", "serve", "--log-level", "warn", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      if (out.includes("listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  return child;
}

/** Ends a child process and waits for it. */
export async function stopProcess(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  await exited;
}

/** Processes whose parent is `pid` (the workers of a `serve --workers` primary), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Resolves once `pred` holds, checking every 10 ms. */
export async function until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
