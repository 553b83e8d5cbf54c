import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { ChunkMessage, StartMessage } from "../src/types.js";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The fixtures as calls: start plus final and partial chunks, in order. */
export function fixtureCalls(
  limit = Number.POSITIVE_INFINITY,
): { start: StartMessage; chunks: ChunkMessage[] }[] {
  const out: { start: StartMessage; chunks: ChunkMessage[] }[] = [];
  for (const lang of ["zh-Hans", "zh-Hant", "ko", "en"]) {
    for (const f of readdirSync(join("fixtures", lang)).sort()) {
      const lines = readFileSync(join("fixtures", lang, f), "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      out.push({
        start: lines[0] as unknown as StartMessage,
        chunks: lines.filter((l) => l.type === "chunk") as unknown as ChunkMessage[],
      });
    }
  }
  return out.slice(0, limit);
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
