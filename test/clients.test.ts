import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Producer } from "../src/client/producer.js";
import { Subscriber, type SubscriberEvent } from "../src/client/subscriber.js";
import type { RunningServer } from "../src/transport/server.js";
import type { ChunkMessage } from "../src/types.js";
import { testServer, token } from "./server-helpers.js";

let server: RunningServer;
let ws: string;
beforeAll(async () => {
  server = await testServer({ maxMessagesPerSecond: 100_000 });
  ws = server.url.replace("http", "ws");
});
afterAll(() => server.stop());

function chunksOf(file: string): { start: Record<string, unknown>; chunks: ChunkMessage[] } {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    start: lines[0] as Record<string, unknown>,
    chunks: lines.filter((l) => l.type === "chunk") as unknown as ChunkMessage[],
  };
}

describe("producer and subscriber clients against the real server", () => {
  it("lose nothing and duplicate nothing when both connections are cut mid-call", async () => {
    const { start, chunks } = chunksOf("fixtures/zh-Hans/hot_tempered-02-huafei-duanxinbao-tingji.jsonl");
    const callId = "cut-1";
    const meta = start.meta as { agentId: string };
    // Reference: the same call straight through the analyzer.
    const reference = server.hub.analyzer.openCall({ callId, language: "zh-Hans" });
    const expectedHints = chunks
      .flatMap((c) => reference.push({ ...c, callId }))
      .filter((e) => e.type === "hint");
    const expectedSummary = reference.end();

    const producer = new Producer({ url: ws, token: await token(server, { role: "ingest", tenant: "t" }) });
    const seen: SubscriberEvent[] = [];
    let subDropped = false;
    const sub: Subscriber = new Subscriber({
      url: ws,
      token: await token(server, { role: "agent", tenant: "t", agentId: meta.agentId }),
      WebSocket: WebSocket as never,
      onEvent: (e) => {
        seen.push(e);
        // Cut the desktop's connection right after its first hint.
        if (e.type === "hint" && !subDropped) {
          subDropped = true;
          sub.dropConnection();
        }
      },
    });
    sub.subscribe({ agentId: meta.agentId });
    await new Promise((r) => setTimeout(r, 100));
    producer.startCall(callId, { language: "zh-Hans", meta });
    const acked = new Set<number>();
    producer.on("ack", (_id, seq) => acked.add(seq));
    for (const [i, c] of chunks.entries()) {
      producer.chunk({ ...c, callId });
      // Cut the producer's connection a third of the way in, with chunks in flight.
      if (i === Math.floor(chunks.length / 3)) producer.dropConnection();
      await new Promise((r) => setTimeout(r, 15));
    }
    const summary = await producer.endCall(callId);
    await new Promise((r) => setTimeout(r, 300));
    expect(acked.size).toBe(chunks.length);
    expect(producer.pending()).toBe(0);
    expect(summary.signalCounts).toEqual(expectedSummary.signalCounts);
    expect(summary.customerType).toEqual(expectedSummary.customerType);
    expect(subDropped).toBe(true);
    const hints = seen.filter((e) => e.type === "hint");
    const offsets = seen
      .filter((e) => e.type !== "snapshot" && typeof e.offset === "number")
      .map((e) => e.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a as number) - (b as number)));
    expect(hints.map((h) => h.seq)).toEqual(expectedHints.map((h) => h.seq));
    expect(seen.some((e) => e.type === "summary")).toBe(true);
    producer.close();
    sub.close();
  });
});
