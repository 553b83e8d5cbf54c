import { describe, expect, it } from "vitest";
import { Producer } from "../src/client/producer.js";
import { redact } from "../src/transport/redact.js";
import type { ChunkMessage, SummaryEvent } from "../src/types.js";
import { FaultyLink } from "./fault-link.js";
import { analyzer } from "./helpers.js";
import { fixtureCalls } from "./process-helpers.js";
import { testServer, token } from "./server-helpers.js";

const CALLS = 40;
const CUTS = 12;

describe("connections cut mid-stream (RELIABILITY item 10)", () => {
  it(`${CUTS} cuts of every producer connection while ${CALLS} calls stream: each stored timeline equals its source`, async () => {
    const server = await testServer({ maxMessagesPerSecond: 100_000 });
    const link = new FaultyLink(server.port);
    await link.listen();
    try {
      const ingest = await token(server, { role: "ingest", tenant: "t" });
      const producers = Array.from(
        { length: 4 },
        () =>
          new Producer({
            url: `ws://127.0.0.1:${link.port}`,
            token: ingest,
            backoffMs: 20,
            maxBackoffMs: 200,
          }),
      );
      let drops = 0;
      for (const p of producers) p.on("disconnected", () => drops++);
      const workload = fixtureCalls(CALLS);
      // Every producer connection is dropped at random moments; new ones are refused for a little while.
      let cuts = 0;
      const cutter = (async () => {
        for (; cuts < CUTS; cuts++) {
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
          link.sever();
          await new Promise((r) => setTimeout(r, 30 + Math.random() * 70));
          link.restore();
        }
      })();
      const streams = workload.map(async ({ start, chunks }, i) => {
        const p = producers[i % producers.length] as Producer;
        p.startCall(start.callId, { language: start.language, meta: start.meta });
        const pace = (CUTS * 250) / chunks.length;
        for (const c of chunks) {
          p.chunk(c);
          await new Promise((r) => setTimeout(r, pace * (0.5 + Math.random())));
        }
      });
      await Promise.all(streams);
      await cutter;
      const summaries = await Promise.all(
        workload.map(({ start }, i) => (producers[i % producers.length] as Producer).endCall(start.callId)),
      );
      for (const p of producers) p.close();
      expect(cuts).toBe(CUTS);
      // Every cut dropped the producers' connections (each was resumed on a new one).
      expect(drops).toBeGreaterThanOrEqual(CUTS);

      // The stored timeline (read back as QA would) and the summary equal the source, call by call.
      const supervisor = await token(server, { role: "supervisor", tenant: "t" });
      for (const [i, { start, chunks }] of workload.entries()) {
        const res = await fetch(`${server.url}/v1/calls/${encodeURIComponent(start.callId)}`, {
          headers: { authorization: `Bearer ${supervisor}` },
        });
        const stored = (await res.json()) as { chunks: ChunkMessage[]; summary: SummaryEvent };
        const source = chunks.map((c) => ({ ...c, text: redact(c.text) }));
        expect(stored.chunks, start.callId).toEqual(source);
        const call = analyzer().openCall({ callId: start.callId, language: start.language });
        for (const c of source) call.push(c);
        const { offset: _o, ...summary } = summaries[i] as SummaryEvent & { offset?: number };
        expect(summary, start.callId).toEqual(call.end());
        expect(stored.summary, start.callId).toEqual(summary);
      }
    } finally {
      link.close();
      await server.stop();
    }
  }, 60_000);
});
