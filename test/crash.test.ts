import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Producer } from "../src/client/producer.js";
import { signToken } from "../src/transport/auth.js";
import { redact } from "../src/transport/redact.js";
import type { SummaryEvent } from "../src/types.js";
import { analyzer } from "./helpers.js";
import { fixtureCalls, freePort, spawnServe } from "./process-helpers.js";

/** kill -9 rounds and concurrent calls in CI (RELIABILITY item 9); the soak script (scripts/crash-soak.sh) runs more. */
const KILLS = Number(process.env.CALLCUE_CRASH_KILLS ?? 20);
const CALLS = Number(process.env.CALLCUE_CRASH_CALLS ?? 200);
const SECRET = "crash-test-secret-crash-test-secret";

describe("crash safety", () => {
  it(`loses and duplicates nothing acknowledged across ${KILLS} kill -9 while ${CALLS} calls stream`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "callcue-crash-"));
    const port = await freePort();
    let child: ChildProcess | undefined;
    const readyMs: number[] = [];
    const start = async (): Promise<void> => {
      const t0 = Date.now();
      child = await spawnServe([
        "--port",
        String(port),
        "--data-dir",
        dataDir,
        "--secret",
        SECRET,
        "--max-messages-per-second",
        "100000",
      ]);
      readyMs.push(Date.now() - t0);
    };
    await start();
    try {
      const token = await signToken({ role: "ingest", tenant: "t" }, SECRET);
      const workload = fixtureCalls(CALLS);
      const producers = Array.from(
        { length: 4 },
        () => new Producer({ url: `ws://127.0.0.1:${port}`, token, backoffMs: 50, maxBackoffMs: 300 }),
      );
      const acked = new Map<string, Set<number>>();
      for (const p of producers) p.on("ack", (callId, seq) => acked.get(callId)?.add(seq));
      const summaries = new Map<string, Promise<SummaryEvent>>();

      // Stream every call, chunk by chunk, while a killer takes the server down at random moments.
      let killing = true;
      const killer = (async () => {
        for (let k = 0; k < KILLS; k++) {
          await new Promise((r) => setTimeout(r, 150 + Math.random() * 350));
          child?.kill("SIGKILL");
          await new Promise((r) => child?.once("exit", r));
          await start();
        }
        killing = false;
      })();
      const streams = workload.map(async ({ start: s, chunks }, i) => {
        const p = producers[i % producers.length] as Producer;
        acked.set(s.callId, new Set());
        p.startCall(s.callId, { language: s.language, meta: s.meta });
        // Each call streams across the whole kill period, so every kill lands mid-stream.
        const pace = (KILLS * 400) / chunks.length;
        for (const c of chunks) {
          p.chunk(c);
          await new Promise((r) => setTimeout(r, pace * (0.5 + Math.random())));
        }
      });
      await Promise.all(streams);
      await killer;
      expect(killing).toBe(false);
      for (const [i, { start: s }] of workload.entries())
        summaries.set(s.callId, (producers[i % producers.length] as Producer).endCall(s.callId));
      const got = new Map<string, SummaryEvent>();
      // A call that never ends is a failure with a reason, not a hang.
      const deadline = new Promise<never>((_, reject) =>
        setTimeout(() => {
          const missing = [...summaries.keys()].filter((id) => !got.has(id));
          reject(
            new Error(
              `no summary for ${missing.length} calls, e.g. ${missing.slice(0, 3).join(", ")}; unacked: ${producers.map((p) => p.pending()).join("/")}`,
            ),
          );
        }, 90_000).unref(),
      );
      for (const [id, p] of summaries) got.set(id, await Promise.race([p, deadline]));
      for (const p of producers) p.close();
      child?.kill("SIGTERM");
      await new Promise((r) => child?.once("exit", r));

      // The store: every chunk exactly once, the database intact.
      const db = new Database(join(dataDir, "callcue.db"), { readonly: true });
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      for (const { start: s, chunks } of workload) {
        const rows = db.prepare("SELECT seq FROM chunks WHERE call_id = ? ORDER BY seq").all(s.callId) as {
          seq: number;
        }[];
        expect(
          rows.map((r) => r.seq),
          s.callId,
        ).toEqual(chunks.map((c) => c.seq));
        expect(acked.get(s.callId)?.size, s.callId).toBe(chunks.length);
      }
      db.close();
      // Each summary equals an uninterrupted run of the same input (redacted as the server redacts).
      for (const { start: s, chunks } of workload) {
        const call = analyzer().openCall({ callId: s.callId, language: s.language });
        for (const c of chunks) call.push({ ...c, text: redact(c.text) });
        const { offset: _o, ...summary } = got.get(s.callId) as SummaryEvent & { offset?: number };
        expect(summary, s.callId).toEqual(call.end());
      }
      expect(Math.max(...readyMs)).toBeLessThan(5000);
    } finally {
      // Never leave a server behind, whatever failed.
      if (child && child.exitCode === null) child.kill("SIGKILL");
    }
  }, 240_000);
});
