import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signature } from "../src/fanout/webhook.js";
import type { HintEvent } from "../src/types.js";
import { analyzer, readJsonl } from "./helpers.js";
import { Client, testServer, token } from "./server-helpers.js";

/** The recordings where the agent is on the vendor's first channel (see test/adapters.test.ts). */
const CHANNEL_MAPS: Record<string, Record<string, "customer" | "agent">> = {
  "google-v1": { "1": "agent", "2": "customer" },
  azure: { "Guest-1": "agent", "Guest-2": "customer" },
};

describe("ASR vendor payloads on ingest", () => {
  it.each(["aws-transcribe", "aws-call-analytics", "google-v1", "google-v2", "deepgram", "azure", "genesys"])(
    "%s: native messages give the label and hints of the same call in the wire format",
    async (format) => {
      const reference = analyzer().openCall({ callId: "ref", language: "en" });
      const refEvents = readJsonl("test/vendor-fixtures/reference.wire.jsonl")
        .filter((m) => m.type === "chunk")
        .flatMap((m) => reference.push({ ...m, callId: "ref" }));
      const refSummary = reference.end();
      const server = await testServer({ maxMessagesPerSecond: 100_000 });
      const producer = await Client.open(
        server,
        "/v1/ingest",
        await token(server, { role: "ingest", tenant: "t" }),
      );
      const desk = await Client.open(
        server,
        "/v1/subscribe",
        await token(server, { role: "supervisor", tenant: "t" }),
      );
      desk.send({ type: "subscribe", all: true });
      await new Promise((r) => setTimeout(r, 50));
      producer.send({
        type: "start",
        callId: "v1",
        language: "en",
        format,
        channelMap: CHANNEL_MAPS[format],
      });
      for (const payload of readJsonl(`test/vendor-fixtures/${format}.jsonl`))
        producer.send({ type: "vendor", callId: "v1", payload });
      producer.send({ type: "end", callId: "v1" });
      const summary = await producer.next((m) => m.type === "summary");
      expect(producer.messages.filter((m) => m.type === "error")).toEqual([]);
      expect((summary.customerType as { label: string }).label).toBe(refSummary.customerType.label);
      expect(summary.signalCounts).toEqual(refSummary.signalCounts);
      await desk.next((m) => m.type === "summary");
      const key = (h: { customerType: { label: string }; priority: string; technique: { id: string } }) =>
        `${h.customerType.label}/${h.priority}/${h.technique.id}`;
      const got = desk.messages.filter((m) => m.type === "hint").map((m) => key(m as unknown as HintEvent));
      expect(got).toEqual(refEvents.filter((e): e is HintEvent => e.type === "hint").map(key));
      expect(producer.messages.some((m) => m.type === "error")).toBe(false);
      await server.stop();
    },
  );

  it("refuses a vendor message for a call without a format, and an unknown format", async () => {
    const server = await testServer();
    const producer = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "t" }),
    );
    producer.send({ type: "start", callId: "plain" });
    producer.send({ type: "vendor", callId: "plain", payload: { type: "Results" } });
    expect(await producer.next((m) => m.type === "error")).toMatchObject({
      code: "CC_ERR_BAD_MESSAGE",
      callId: "plain",
    });
    producer.send({ type: "start", callId: "x", format: "telepathy" });
    expect(await producer.next((m) => m.type === "error" && m.callId === "x")).toMatchObject({
      code: "CC_ERR_BAD_FIELD",
    });
    await server.stop();
  });
});

describe("webhook delivery", () => {
  it("posts every hint signed, retries failures with backoff, and dead-letters what never got through", async () => {
    const received: { body: string; headers: IncomingMessage["headers"] }[] = [];
    let attempts = 0;
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        attempts++;
        // The receiver is down for the first two attempts.
        if (attempts <= 2) return res.writeHead(503).end();
        received.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const port = (receiver.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), "callcue-webhook-"));
    const server = await testServer({
      dataDir,
      webhookUrl: `http://127.0.0.1:${port}/hints`,
      webhookSecret: "shh",
    });
    (server.webhook as unknown as { o: { baseDelayMs: number } }).o.baseDelayMs = 20;
    const producer = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "t" }),
    );
    producer.send({ type: "start", callId: "w1", language: "en" });
    producer.send({ type: "chunk", callId: "w1", seq: 1, speaker: "customer", text: "I will sue you" });
    producer.send({
      type: "chunk",
      callId: "w1",
      seq: 2,
      speaker: "customer",
      text: "LET ME SPEAK TO YOUR MANAGER",
    });
    producer.send({ type: "end", callId: "w1" });
    await producer.next((m) => m.type === "summary");
    await server.webhook?.idle();
    expect(attempts).toBeGreaterThanOrEqual(3);
    const events = received.map(
      (r) => JSON.parse(r.body) as { tenant: string; event: { type: string; offset: number } },
    );
    expect(events.map((e) => e.event.offset)).toEqual(
      [...events.map((e) => e.event.offset)].sort((a, b) => a - b),
    );
    expect(events.at(-1)?.event.type).toBe("summary");
    for (const r of received) {
      expect(r.headers["x-callcue-signature"]).toBe(
        signature("shh", String(r.headers["x-callcue-timestamp"]), r.body),
      );
    }
    // Nothing listening any more: the next call's events end in the dead-letter file.
    await new Promise<void>((r) => receiver.close(() => r()));
    (server.webhook as unknown as { o: { maxAttempts: number } }).o.maxAttempts = 2;
    producer.send({ type: "start", callId: "w2", language: "en" });
    producer.send({ type: "chunk", callId: "w2", seq: 1, speaker: "customer", text: "I will sue you" });
    await producer.next((m) => m.type === "ack" && m.callId === "w2");
    await server.webhook?.idle();
    const dead = readFileSync(join(dataDir, "webhook-dead-letter.jsonl"), "utf8").trim().split("\n");
    expect(dead.length).toBeGreaterThan(0);
    expect(JSON.parse(dead[0] as string)).toMatchObject({ attempts: 2, tenant: "t" });
    await server.stop();
  });
});

describe("recorded vendor output offline", () => {
  it("analyze --format and replay --format read native messages, one call per file", async () => {
    const { execFileSync } = await import("node:child_process");
    const analyzed = execFileSync(
      "node",
      [
        "bin/callcue.js",
        "analyze",
        "--format",
        "deepgram",
        "--language",
        "en",
        "test/vendor-fixtures/deepgram.jsonl",
      ],
      {
        encoding: "utf8",
      },
    );
    const summary = JSON.parse(analyzed.trim().split("\n").at(-1) as string) as {
      type: string;
      customerType: { label: string };
    };
    expect(summary).toMatchObject({ type: "summary", customerType: { label: "commanding" } });
    const replayed = execFileSync(
      "node",
      [
        "bin/callcue.js",
        "replay",
        "--format",
        "azure",
        "--language",
        "en",
        "--channel-map",
        '{"Guest-1":"agent","Guest-2":"customer"}',
        "test/vendor-fixtures/azure.jsonl",
      ],
      { encoding: "utf8" },
    );
    expect(replayed).toMatch(/\[azure\] summary: commanding/);
  });
});
