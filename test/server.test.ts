import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/transport/server.js";
import { readJsonl } from "./helpers.js";
import { Client, testServer, token } from "./server-helpers.js";

let server: RunningServer;
let ingestToken: string;
beforeAll(async () => {
  server = await testServer({ reorderWindow: 4, maxMessagesPerSecond: 100_000 });
  ingestToken = await token(server, { role: "ingest", tenant: "t1" });
});
afterAll(() => server.stop());

describe("ingest and subscribe", () => {
  it.each([
    ["zh-Hans", "fixtures/zh-Hans/hot_tempered-01-kuaidi-guizi-luanqian.jsonl"],
    ["zh-Hant", "fixtures/zh-Hant/hot_tempered-01-parcel-sample-missing.jsonl"],
    ["ko", "fixtures/ko/hot_tempered-01-parcel-stuck-hub.jsonl"],
    ["en", "fixtures/en/hot_tempered-01-parcel-missed-linehaul.jsonl"],
  ])(
    "streams a %s call: an ack per chunk, hints and the summary reach the subscriber",
    async (_lang, file) => {
      const messages = readJsonl(file);
      const start = messages[0] as { callId: string; meta: { agentId: string } };
      const callId = `${start.callId}-${Math.random()}`;
      const producer = await Client.open(server, "/v1/ingest", ingestToken);
      producer.send({ ...start, callId });
      await producer.next((m) => m.type === "started" && m.callId === callId);
      const desk = await Client.open(
        server,
        "/v1/subscribe",
        await token(server, { role: "agent", tenant: "t1", agentId: start.meta.agentId }),
      );
      desk.send({ type: "subscribe", callId });
      await desk.next((m) => m.type === "snapshot");
      const chunks = messages.filter((m) => m.type === "chunk");
      for (const m of chunks) producer.send({ ...m, callId });
      producer.send({ type: "end", callId });
      const summary = await desk.next((m) => m.type === "summary");
      expect(summary.customerType).toBeDefined();
      for (const m of chunks) await producer.next((a) => a.type === "ack" && a.seq === m.seq);
      const hints = desk.messages.filter((m) => m.type === "hint");
      expect(hints.length).toBeGreaterThan(0);
      const offsets = desk.messages
        .filter((m) => typeof m.offset === "number" && m.type !== "snapshot")
        .map((m) => m.offset as number);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      producer.close();
      desk.close();
    },
  );
});

describe("bad input never costs other calls", () => {
  const BAD: [string, unknown, string][] = [
    ["bad JSON", "{nope", "CC_ERR_BAD_JSON"],
    ["empty frame", "", "CC_ERR_BAD_JSON"],
    ["a number", "42", "CC_ERR_BAD_MESSAGE"],
    ["an array", "[1,2]", "CC_ERR_BAD_MESSAGE"],
    ["null", "null", "CC_ERR_BAD_MESSAGE"],
    ["unknown type", { type: "hello", callId: "x" }, "CC_ERR_BAD_MESSAGE"],
    ["missing callId", { type: "chunk", seq: 1, speaker: "customer", text: "x" }, "CC_ERR_BAD_FIELD"],
    [
      "numeric callId",
      { type: "chunk", callId: 7, seq: 1, speaker: "customer", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    ["huge callId", { type: "start", callId: "c".repeat(300) }, "CC_ERR_BAD_FIELD"],
    [
      "negative seq",
      { type: "chunk", callId: "ok-call", seq: -1, speaker: "customer", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "float seq",
      { type: "chunk", callId: "ok-call", seq: 1.5, speaker: "customer", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "huge seq",
      { type: "chunk", callId: "ok-call", seq: 2 ** 60, speaker: "customer", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "string seq",
      { type: "chunk", callId: "ok-call", seq: "3", speaker: "customer", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "bad speaker",
      { type: "chunk", callId: "ok-call", seq: 1, speaker: "bot", text: "x" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "text not a string",
      { type: "chunk", callId: "ok-call", seq: 1, speaker: "customer", text: { a: 1 } },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "endMs before startMs",
      { type: "chunk", callId: "ok-call", seq: 1, speaker: "customer", text: "x", startMs: 9, endMs: 3 },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "NaN-ish volume",
      { type: "chunk", callId: "ok-call", seq: 1, speaker: "customer", text: "x", volumeDb: "loud" },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "huge words array",
      {
        type: "chunk",
        callId: "ok-call",
        seq: 1,
        speaker: "customer",
        text: "x",
        words: new Array(2500).fill({}),
      },
      "CC_ERR_BAD_FIELD",
    ],
    [
      "chunk before start",
      { type: "chunk", callId: "never-started", seq: 1, speaker: "customer", text: "x" },
      "CC_ERR_UNKNOWN_CALL",
    ],
    ["end before start", { type: "end", callId: "never-started" }, "CC_ERR_UNKNOWN_CALL"],
    [
      "__proto__ payload",
      '{"type":"chunk","callId":"ok-call","seq":1,"speaker":"customer","text":"x","__proto__":{"polluted":true},"final":"yes"}',
      "CC_ERR_BAD_FIELD",
    ],
    [
      "deep nesting",
      `{"type":"start","callId":"deep","meta":${"[".repeat(500)}${"]".repeat(500)}}`,
      "CC_ERR_BAD_FIELD",
    ],
    ["duplicate start", { type: "start", callId: "ok-call" }, "CC_ERR_CALL_EXISTS"],
  ];

  it(`answers ${BAD.length} kinds of malformed message, 50 times each, with typed errors while another call goes on`, async () => {
    const producer = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "bad" }),
    );
    producer.send({ type: "start", callId: "ok-call", language: "en" });
    await producer.next((m) => m.type === "started");
    let seq = 0;
    for (const [name, message, code] of BAD) {
      for (let i = 0; i < 50; i++) producer.send(message);
      producer.send({
        type: "chunk",
        callId: "ok-call",
        seq: ++seq,
        speaker: "customer",
        text: `still here ${name}`,
      });
      await producer.next((m) => m.type === "ack" && m.seq === seq);
      const errors = producer.messages.filter((m) => m.type === "error");
      expect(errors.filter((e) => e.code === code).length, name).toBeGreaterThanOrEqual(50);
      producer.messages.length = 0;
    }
    producer.send({ type: "end", callId: "ok-call" });
    const summary = await producer.next((m) => m.type === "summary");
    expect(summary.callId).toBe("ok-call");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    producer.close();
  });

  it("accepts a frame of exactly the cap and closes cap+1 with 1009", async () => {
    const small = await testServer({ maxPayloadBytes: 4096 });
    const producer = await Client.open(
      small,
      "/v1/ingest",
      await token(small, { role: "ingest", tenant: "t1" }),
    );
    const base = JSON.stringify({ type: "start", callId: "cap", meta: { pad: "" } });
    const exact = JSON.stringify({
      type: "start",
      callId: "cap",
      meta: { pad: "x".repeat(4096 - base.length) },
    });
    expect(Buffer.byteLength(exact)).toBe(4096);
    producer.send(exact);
    await producer.next((m) => m.type === "started" && m.callId === "cap");
    producer.send(exact.replace('"pad":"', '"pad":"y'));
    expect((await producer.waitClose()).code).toBe(1009);
    await small.stop();
  });

  it("answers a binary frame with a typed error", async () => {
    const producer = await Client.open(server, "/v1/ingest", ingestToken);
    producer.ws.send(Buffer.from([1, 2, 3]));
    expect((await producer.next((m) => m.type === "error")).code).toBe("CC_ERR_BINARY_FRAME");
    producer.close();
  });
});

describe("ordering", () => {
  it("acks a retransmitted seq again without analysing it twice, and reorders within the window", async () => {
    const producer = await Client.open(server, "/v1/ingest", ingestToken);
    producer.send({ type: "start", callId: "order", language: "en" });
    const c = (seq: number, text: string) => ({
      type: "chunk",
      callId: "order",
      seq,
      speaker: "customer",
      text,
    });
    producer.send(c(1, "i want a refund"));
    producer.send(c(1, "i want a refund"));
    producer.send(c(3, "you idiot"));
    producer.send(c(2, "thanks"));
    await producer.next((m) => m.type === "ack" && m.seq === 3);
    const acks = producer.messages.filter((m) => m.type === "ack").map((m) => m.seq);
    expect(acks).toEqual([1, 1, 2, 3]);
    expect(producer.messages.find((m) => m.type === "ack" && m.duplicate)).toBeDefined();
    producer.send({ type: "end", callId: "order" });
    const summary = await producer.next((m) => m.type === "summary");
    expect((summary.signalCounts as Record<string, number>).compensation_demand).toBe(1);
    producer.close();
  });

  it("reports a gap older than the window as a typed error and goes on", async () => {
    const producer = await Client.open(server, "/v1/ingest", ingestToken);
    producer.send({ type: "start", callId: "gap", language: "en" });
    const c = (seq: number) => ({
      type: "chunk",
      callId: "gap",
      seq,
      speaker: "customer",
      text: `line ${seq}`,
    });
    producer.send(c(1));
    for (const s of [3, 4, 5, 6, 7]) producer.send(c(s));
    const gap = await producer.next((m) => m.type === "error" && m.code === "CC_ERR_SEQ_GAP");
    expect(gap.seq).toBe(3);
    await producer.next((m) => m.type === "ack" && m.seq === 7);
    producer.send(c(2));
    expect((await producer.next((m) => m.type === "error" && m.code === "CC_ERR_SEQ_STALE")).seq).toBe(2);
    producer.close();
  });

  it("lets a producer that reconnects resume from its last ack with the analysis intact", async () => {
    const first = await Client.open(server, "/v1/ingest", ingestToken);
    first.send({ type: "start", callId: "resume", language: "en" });
    first.send({ type: "chunk", callId: "resume", seq: 1, speaker: "customer", text: "i want a refund now" });
    await first.next((m) => m.type === "ack" && m.seq === 1);
    first.ws.terminate();
    const second = await Client.open(server, "/v1/ingest", ingestToken);
    second.send({ type: "start", callId: "resume", resume: true });
    expect(await second.next((m) => m.type === "started")).toMatchObject({ resumed: true, lastSeq: 1 });
    second.send({
      type: "chunk",
      callId: "resume",
      seq: 1,
      speaker: "customer",
      text: "i want a refund now",
    });
    second.send({
      type: "chunk",
      callId: "resume",
      seq: 2,
      speaker: "customer",
      text: "i want a refund now or compensation",
    });
    second.send({ type: "end", callId: "resume" });
    const summary = await second.next((m) => m.type === "summary");
    expect((summary.signalCounts as Record<string, number>).compensation_demand).toBe(2);
    second.close();
  });
});
