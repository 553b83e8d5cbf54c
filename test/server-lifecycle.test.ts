import { afterEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/transport/server.js";
import { Client, testServer, token } from "./server-helpers.js";

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function withCall(s: RunningServer, callId: string, agentId = "a1"): Promise<Client> {
  const producer = await Client.open(s, "/v1/ingest", await token(s, { role: "ingest", tenant: "t" }));
  producer.send({ type: "start", callId, language: "en", meta: { agentId } });
  await producer.next((m) => m.type === "started");
  return producer;
}

const shout = (callId: string, seq: number) => ({
  type: "chunk",
  callId,
  seq,
  speaker: "customer",
  text: seq % 2 ? "I WILL SUE YOU PEOPLE" : "LET ME SPEAK TO YOUR MANAGER NOW",
});

describe("subscriber resume", () => {
  it("replays exactly the missed events in order, or says recovered:false with a snapshot", async () => {
    server = await testServer({ historyEvents: 4, maxMessagesPerSecond: 100_000 });
    const producer = await withCall(server, "r1");
    const agentToken = await token(server, { role: "agent", tenant: "t", agentId: "a1" });
    const desk = await Client.open(server, "/v1/subscribe", agentToken);
    desk.send({ type: "subscribe", callId: "r1" });
    await desk.next((m) => m.type === "snapshot");
    producer.send(shout("r1", 1));
    const first = await desk.next((m) => m.type === "hint");
    desk.ws.terminate();
    producer.send(shout("r1", 2));
    producer.send(shout("r1", 3));
    await producer.next((m) => m.type === "ack" && m.seq === 3);
    const lastOffset = server.hub.get("t", "r1")?.lastOffset ?? 0;
    expect(lastOffset, JSON.stringify(first)).toBeGreaterThan(first.offset as number);
    const again = await Client.open(server, "/v1/subscribe", agentToken);
    again.send({ type: "subscribe", callId: "r1", offset: first.offset });
    await again.next((m) => m.offset === lastOffset);
    expect(again.messages.map((m) => m.offset)).toEqual(
      Array.from(
        { length: lastOffset - (first.offset as number) },
        (_, i) => (first.offset as number) + 1 + i,
      ),
    );
    // History holds 4 events: an offset older than that is not silently skipped.
    for (let s = 4; s < 12; s++) producer.send(shout("r1", s));
    await producer.next((m) => m.type === "ack" && m.seq === 11);
    const late = await Client.open(server, "/v1/subscribe", agentToken);
    late.send({ type: "subscribe", callId: "r1", offset: 1 });
    expect(await late.next((m) => m.type === "snapshot")).toMatchObject({ recovered: false });
    for (const bad of [-1, 1.5, "3", 10 ** 9]) {
      const c = await Client.open(server, "/v1/subscribe", agentToken);
      c.send({ type: "subscribe", callId: "r1", offset: bad });
      expect((await c.next((m) => m.type === "error")).code).toBe("CC_ERR_BAD_OFFSET");
      expect(c.messages.some((m) => m.type === "hint" || m.type === "snapshot")).toBe(false);
      c.close();
    }
  });

  it("gives an agent subscribed by id each of its calls as it starts", async () => {
    server = await testServer();
    const desk = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "agent", tenant: "t", agentId: "a9" }),
    );
    desk.send({ type: "subscribe", agentId: "a9" });
    await new Promise((r) => setTimeout(r, 50));
    const producer = await withCall(server, "later", "a9");
    await withCall(server, "not-mine", "a8");
    expect(await desk.next((m) => m.type === "snapshot")).toMatchObject({ callId: "later" });
    producer.send(shout("later", 1));
    await desk.next((m) => m.type === "hint" && m.callId === "later");
    expect(desk.messages.some((m) => m.callId === "not-mine")).toBe(false);
  });
});

describe("limits and dead peers", () => {
  it("answers a flood with rate_limited and keeps serving others", async () => {
    server = await testServer({ maxMessagesPerSecond: 20 });
    const flooder = await withCall(server, "flood");
    for (let i = 1; i <= 200; i++)
      flooder.send({ type: "chunk", callId: "flood", seq: i, speaker: "customer", text: "hi" });
    expect((await flooder.next((m) => m.code === "CC_ERR_RATE_LIMITED")).type).toBe("error");
    const calm = await withCall(server, "calm");
    calm.send({ type: "chunk", callId: "calm", seq: 1, speaker: "customer", text: "hello" });
    await calm.next((m) => m.type === "ack");
  });

  it("refuses calls beyond the per-connection limit", async () => {
    server = await testServer({ maxCallsPerConnection: 2 });
    const p = await withCall(server, "c1");
    p.send({ type: "start", callId: "c2" });
    p.send({ type: "start", callId: "c3" });
    expect(await p.next((m) => m.type === "error")).toMatchObject({
      code: "CC_ERR_TOO_MANY_CALLS",
      callId: "c3",
    });
  });

  it("terminates a peer that stops answering pings within two intervals", async () => {
    server = await testServer({ heartbeatMs: 200 });
    const desk = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "agent", tenant: "t", agentId: "a1" }),
    );
    desk.send({ type: "subscribe", agentId: "a1" });
    await new Promise((r) => setTimeout(r, 50));
    (desk.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (
          server?.metrics &&
          (server.hub as unknown as { subscribers: Set<unknown> }).subscribers.size === 0
        ) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    expect(Date.now() - started).toBeLessThan(2 * 200 + 1000);
  });

  it("closes a socket that never sends anything", async () => {
    server = await testServer({ firstMessageMs: 200 });
    const silent = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "t" }),
    );
    expect((await silent.waitClose(2000)).code).toBe(1008);
  });

  it("ends an idle call with a summary", async () => {
    server = await testServer({ idleCallMs: 300 });
    const producer = await withCall(server, "idle");
    const desk = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "supervisor", tenant: "t" }),
    );
    desk.send({ type: "subscribe", callId: "idle" });
    expect(await desk.next((m) => m.type === "summary", 3000)).toMatchObject({ callId: "idle" });
    producer.close();
  });
});

describe("shutdown", () => {
  it("sends summaries, closes every socket with 1001 and stops listening", async () => {
    const s = await testServer();
    const producer = await withCall(s, "bye");
    const desk = await Client.open(s, "/v1/subscribe", await token(s, { role: "supervisor", tenant: "t" }));
    desk.send({ type: "subscribe", all: true });
    await desk.next((m) => m.type === "snapshot");
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(desk.messages.some((m) => m.type === "summary" && m.callId === "bye")).toBe(true);
    expect((await desk.waitClose()).code).toBe(1001);
    expect((await producer.waitClose()).code).toBe(1001);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });
});

describe("HTTP", () => {
  it("serves health, metrics and the page", async () => {
    server = await testServer();
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const producer = await withCall(server, "m1");
    producer.send(shout("m1", 1));
    await producer.next((m) => m.type === "ack");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/callcue_chunks_total 1/);
    expect(metrics).toMatch(/callcue_ingest_to_hint_seconds_bucket/);
    expect(metrics).toMatch(/callcue_active_calls 1/);
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain("callcue");
  });
});

describe("slow subscribers", () => {
  it("drops a desktop that stops reading to the latest state, closes it if it stays over, and keeps the others whole", async () => {
    server = await testServer({
      maxBufferedBytes: 16 * 1024,
      slowSubscriberMs: 300,
      maxMessagesPerSecond: 1_000_000,
    });
    const producer = await withCall(server, "burst");
    const supervisor = await token(server, { role: "supervisor", tenant: "t" });
    const slow = await Client.open(server, "/v1/subscribe", supervisor);
    const fast = await Client.open(server, "/v1/subscribe", supervisor);
    slow.send({ type: "subscribe", callId: "burst" });
    fast.send({ type: "subscribe", callId: "burst" });
    await slow.next((m) => m.type === "snapshot");
    await fast.next((m) => m.type === "snapshot");
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const n = 4000;
    for (let s = 1; s <= n; s++) {
      producer.send(shout("burst", s));
      if (s % 500 === 0) await new Promise((r) => setTimeout(r, 150));
    }
    await producer.next((m) => m.type === "ack" && m.seq === n, 20_000);
    const published = server.hub.get("t", "burst")?.lastOffset ?? 0;
    await fast.next((m) => m.offset === published, 10_000);
    const fastOffsets = fast.messages.filter((m) => m.type === "hint").map((m) => m.offset as number);
    expect(fastOffsets).toEqual(
      Array.from({ length: fastOffsets.length }, (_, i) => (fastOffsets[0] as number) + i),
    );
    // The frozen desktop is dropped; the one that reads got every hint in order.
    const subscribers = (server.hub as unknown as { subscribers: Set<unknown> }).subscribers;
    for (let t = 0; t < 50 && subscribers.size > 1; t++) await new Promise((r) => setTimeout(r, 100));
    expect(subscribers.size).toBe(1);
    expect(fast.closed).toBeUndefined();
  }, 40_000);
});

describe("connection limits", () => {
  it("refuses a tenant's connection over its limit before the upgrade, and not other tenants'", async () => {
    server = await testServer({ maxConnectionsPerTenant: 2 });
    const t = await token(server, { role: "ingest", tenant: "busy" });
    const a = await Client.open(server, "/v1/ingest", t);
    const b = await Client.open(server, "/v1/ingest", t);
    await expect(Client.open(server, "/v1/ingest", t)).rejects.toThrow(/HTTP 429/);
    const other = await Client.open(
      server,
      "/v1/ingest",
      await token(server, { role: "ingest", tenant: "calm" }),
    );
    a.close();
    await a.waitClose();
    await new Promise((r) => setTimeout(r, 50));
    const c = await Client.open(server, "/v1/ingest", t);
    for (const x of [b, c, other]) x.close();
  });
});

describe("ended calls", () => {
  it("are kept for late readers up to maxEndedCalls, the oldest forgotten first, without their analyzer state", async () => {
    server = await testServer({ maxEndedCalls: 2, idleCallMs: 200 });
    const supervisor = await token(server, { role: "supervisor", tenant: "t" });
    for (const id of ["e1", "e2", "e3"]) {
      const p = await withCall(server, id);
      p.send(shout(id, 1));
      p.send({ type: "end", callId: id });
      await p.next((m) => m.type === "summary");
      p.ws.close();
    }
    // Ended calls drop the analyzer's state at once; the sweep forgets the oldest past the cap.
    expect(() => server?.hub.get("t", "e3")?.call).toThrow(/ended/);
    await new Promise((r) => setTimeout(r, 400));
    const desk = await Client.open(server, "/v1/subscribe", supervisor);
    for (const id of ["e1", "e2", "e3"]) desk.send({ type: "subscribe", callId: id });
    const e3 = await desk.next((m) => m.type === "snapshot" && m.callId === "e3");
    expect((e3.summary as { type: string }).type).toBe("summary");
    await desk.next((m) => m.type === "snapshot" && m.callId === "e2");
    expect((await desk.next((m) => m.type === "error")).callId).toBe("e1");
  });
});
