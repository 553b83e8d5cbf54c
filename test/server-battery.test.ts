import { connect, type Socket } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Client, testServer, token } from "./server-helpers.js";

describe("reliability battery", () => {
  it("closes 500 connections with 1001 within 5 s on shutdown, summaries sent", async () => {
    const server = await testServer({ maxMessagesPerSecond: 100_000 });
    const ingest = await token(server, { role: "ingest", tenant: "t" });
    const supervisor = await token(server, { role: "supervisor", tenant: "t" });
    const url = server.url.replace("http", "ws");
    const codes: number[] = [];
    const sockets = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const ws = new WebSocket(`${url}/v1/${i % 2 ? "subscribe" : "ingest"}`, {
          headers: { authorization: `Bearer ${i % 2 ? supervisor : ingest}` },
        });
        ws.on("close", (code) => codes.push(code));
        return new Promise<WebSocket>((resolve) => ws.once("open", () => resolve(ws)));
      }),
    );
    sockets[0]?.send(JSON.stringify({ type: "start", callId: "last", language: "en" }));
    const desk = new Client(sockets[1] as WebSocket);
    sockets[1]?.send(JSON.stringify({ type: "subscribe", all: true }));
    await desk.next((m) => m.type === "snapshot");
    for (const [i, ws] of sockets.entries())
      if (i > 1 && i % 2 === 0) ws.send(JSON.stringify({ type: "start", callId: `c${i}` }));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await server.stop();
    for (let i = 0; i < 50 && codes.length < 500; i++) await new Promise((r) => setTimeout(r, 50));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(codes).toHaveLength(500);
    expect(codes.every((c) => c === 1001)).toBe(true);
    expect(desk.messages.some((m) => m.type === "summary" && m.callId === "last")).toBe(true);
  }, 30_000);

  it("lets legitimate clients in while 1,000 slow handshakes hang", async () => {
    const server = await testServer();
    const slow: Socket[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = connect(server.port, "127.0.0.1");
      s.on("error", () => {});
      s.write("GET /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websoc");
      slow.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    const ok = await Client.open(server, "/v1/ingest", await token(server, { role: "ingest", tenant: "t" }));
    ok.send({ type: "start", callId: "fine" });
    expect((await ok.next((m) => m.type === "started")).callId).toBe("fine");
    for (const s of slow) s.destroy();
    await server.stop();
  }, 30_000);

  it("keeps a call's timeline equal to its source under 200 generated schedules of duplicates and reordering", async () => {
    const server = await testServer({ reorderWindow: 8, maxMessagesPerSecond: 1_000_000 });
    const producer = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "t" }),
    );
    let n = 0;
    const lines = [
      "I want a refund",
      "this is ridiculous",
      "thanks",
      "let me speak to your manager",
      "I will sue you",
      "ok",
      "please hurry",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 14 }),
        fc.array(fc.nat({ max: 13 }), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat({ max: 13 }), fc.nat({ max: 3 })), { maxLength: 4 }),
        async (length, duplicates, swaps) => {
          const callId = `s${++n}`;
          // The schedule: seq 1..length, some sent twice, some moved later by up to 3 places (well inside the window of 8).
          const order = Array.from({ length }, (_, i) => i + 1);
          const moved = new Set<number>();
          for (const [at, by] of swaps) {
            const from = at % length;
            const seq = order[from] as number;
            if (moved.has(seq) || order.slice(from, from + 4).some((x) => moved.has(x))) continue;
            moved.add(seq);
            order.splice(from, 1);
            order.splice(Math.min(order.length, from + 1 + (by % 3)), 0, seq);
          }
          for (const d of duplicates) order.splice((d % length) + 1, 0, order[d % length] as number);
          producer.send({ type: "start", callId, language: "en" });
          for (const seq of order)
            producer.send({
              type: "chunk",
              callId,
              seq,
              speaker: "customer",
              text: lines[seq % lines.length],
            });
          producer.send({ type: "end", callId });
          const summary = await producer.next((m) => m.type === "summary" && m.callId === callId);
          const acks = producer.messages.filter((m) => m.type === "ack" && m.callId === callId);
          // Every seq acked, exactly once without the duplicate flag; the analysis saw each chunk once.
          expect(new Set(acks.filter((a) => !a.duplicate).map((a) => a.seq)).size).toBe(length);
          expect(acks.filter((a) => !a.duplicate)).toHaveLength(length);
          const reference = server.hub.analyzer.openCall({ callId, language: "en" });
          for (let seq = 1; seq <= length; seq++)
            reference.push({
              type: "chunk",
              callId,
              seq,
              speaker: "customer",
              text: lines[seq % lines.length] as string,
            });
          const { offset: _o, ...got } = summary;
          expect(got).toEqual(reference.end());
        },
      ),
      { numRuns: 200 },
    );
    await server.stop();
  }, 120_000);
});
