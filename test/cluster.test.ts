import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Producer } from "../src/client/producer.js";
import { signToken } from "../src/transport/auth.js";
import { redact } from "../src/transport/redact.js";
import type { ChunkMessage, StartMessage, SummaryEvent } from "../src/types.js";
import { FaultyLink } from "./fault-link.js";
import { analyzer } from "./helpers.js";
import { childPids, fixtureCalls, freePort, spawnServe, stopProcess, until } from "./process-helpers.js";
import { Client } from "./server-helpers.js";

const SECRET = "cluster-test-secret-cluster-test-secret";
const TENANT = "t";

type Msg = Record<string, unknown>;

async function open(port: number, path: string, role: "ingest" | "supervisor"): Promise<Client> {
  return Client.open(
    { url: `http://127.0.0.1:${port}` },
    path,
    await signToken({ role, tenant: TENANT }, SECRET),
  );
}

async function supervisor(port: number): Promise<Client> {
  const c = await open(port, "/v1/subscribe", "supervisor");
  c.send({ type: "subscribe", all: true });
  return c;
}

/** A call's events as a desktop saw them: hints and summary, in arrival order. */
function eventsOf(c: Client, callId: string): Msg[] {
  return c.messages.filter((m) => m.callId === callId && (m.type === "hint" || m.type === "summary"));
}

/** The summary an uninterrupted, single-process run of the same chunks gives. */
function offlineSummary(start: StartMessage, chunks: ChunkMessage[]): SummaryEvent {
  const call = analyzer().openCall({ callId: start.callId, language: start.language });
  for (const c of chunks) call.push({ ...c, text: redact(c.text) });
  return call.end();
}

function withoutOffset(m: Msg): Msg {
  const { offset: _o, ...rest } = m;
  return rest;
}

async function metric(port: number, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** A call with hints along the way (a hot-tempered English one), so fan-out has something to carry. */
const WORKLOAD = fixtureCalls().filter((c) => c.start.language?.startsWith("en"));
const CALL = WORKLOAD.find((c) => c.start.callId.includes("hot_tempered")) as (typeof WORKLOAD)[number];

/**
 * CALL streamed by a producer (failing over along `ports`) up to `fraction`
 * of its chunks, all acknowledged; `finish` sends the rest, ends the call and
 * checks that every chunk was acknowledged and the summary equals an
 * uninterrupted run.
 */
async function streamUntil(ports: number[], suffix: string, fraction = 0.5) {
  const { start, chunks } = CALL;
  const callId = `${start.callId}-${suffix}`;
  const p = new Producer({
    url: ports.map((port) => `ws://127.0.0.1:${port}`),
    token: await signToken({ role: "ingest", tenant: TENANT }, SECRET),
    backoffMs: 50,
    maxBackoffMs: 500,
  });
  const acked = new Set<number>();
  p.on("ack", (id, seq) => id === callId && acked.add(seq));
  p.startCall(callId, { language: start.language, meta: start.meta });
  const sent = chunks.slice(0, Math.floor(chunks.length * fraction));
  for (const c of sent) p.chunk({ ...c, callId });
  await until(() => acked.size >= sent.length);
  return {
    callId,
    producer: p,
    sent,
    async finish(): Promise<Msg> {
      for (const c of chunks.slice(sent.length)) p.chunk({ ...c, callId });
      const summary = withoutOffset((await p.endCall(callId)) as unknown as Msg);
      p.close();
      expect([...acked].sort((x, y) => x - y)).toEqual(chunks.map((c) => c.seq));
      expect(summary).toEqual({ ...offlineSummary(start, chunks), callId });
      return summary;
    },
  };
}

describe("serve --workers 2", () => {
  let child: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    child = await spawnServe([
      "--workers",
      "2",
      "--port",
      String(port),
      "--data-dir",
      mkdtempSync(join(tmpdir(), "callcue-workers-")),
      "--secret",
      SECRET,
      "--max-messages-per-second",
      "100000",
    ]);
  }, 30_000);
  afterAll(() => stopProcess(child, "SIGTERM"));

  it("serves from two processes on one port", async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 8; i++)
      nodes.add(((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Msg).node as string);
    expect(nodes.size).toBe(2);
  });

  it("analyses a call in one worker though its chunks come over four connections; desktops on both workers get its hints in order; metrics count both", async () => {
    const { start, chunks } = CALL;
    const callId = `${start.callId}-w`;
    const desks = [await supervisor(port), await supervisor(port)];
    const conns = await Promise.all([0, 1, 2, 3].map(() => open(port, "/v1/ingest", "ingest")));
    conns[0]?.send({ ...start, callId });
    await conns[0]?.next((m) => m.type === "started");
    for (const [i, c] of chunks.entries()) conns[i % 4]?.send({ ...c, callId });
    await Promise.all(
      chunks.map((c, i) => conns[i % 4]?.next((m) => m.type === "ack" && m.seq === c.seq, 10_000)),
    );
    conns[3]?.send({ type: "end", callId });
    const summary = await (conns[3] as Client).next((m) => m.type === "summary", 10_000);
    for (const c of conns) expect(c.messages.filter((m) => m.type === "error")).toEqual([]);
    expect(withoutOffset(summary)).toEqual({ ...offlineSummary(start, chunks), callId });
    for (const d of desks) await d.next((m) => m.type === "summary" && m.callId === callId, 10_000);
    const seen = desks.map((d) => eventsOf(d, callId));
    expect(seen[0]?.length).toBeGreaterThan(2);
    expect(seen[0]?.map((e) => e.offset)).toEqual(seen[0]?.map((_e, i) => i + 1));
    expect(seen[1]).toEqual(seen[0]);
    // /metrics answers for every worker, whichever one serves the scrape.
    for (let i = 0; i < 2; i++) expect(await metric(port, "callcue_chunks_total")).toBe(chunks.length);
    for (const c of [...conns, ...desks]) c.ws.close();
  }, 30_000);

  it("kill -9 of the workers mid-call: new workers take the call over from the shared store; nothing acknowledged is lost", async () => {
    const run = await streamUntil([port], "wk");
    const before = childPids(child?.pid as number);
    expect(before.length).toBe(2);
    for (const pid of before) process.kill(pid, "SIGKILL");
    await run.finish();
    // The primary replaced both.
    const after = childPids(child?.pid as number);
    expect(after.length).toBe(2);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  }, 30_000);
});

describe("two instances over Redis", () => {
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    redisPort = await freePort();
    redis = spawn(
      "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let out = "";
      redis?.stdout?.on("data", (d) => {
        out += String(d);
        if (out.includes("Ready to accept connections")) resolve();
      });
      redis?.once("error", reject);
      redis?.once("exit", (code) => reject(new Error(`redis-server exited ${code}`)));
    });
  }, 30_000);
  afterAll(async () => {
    for (const c of started) await stopProcess(c);
    await stopProcess(redis);
  });

  async function instance(
    brokerPort = redisPort,
    extra: string[] = [],
  ): Promise<{ port: number; child: ChildProcess }> {
    const port = await freePort();
    const child = await spawnServe([
      "--port",
      String(port),
      "--data-dir",
      mkdtempSync(join(tmpdir(), "callcue-node-")),
      "--secret",
      SECRET,
      "--broker",
      `redis://127.0.0.1:${brokerPort}`,
      "--max-messages-per-second",
      "100000",
      ...extra,
    ]);
    started.push(child);
    return { port, child };
  }

  it("a desktop on B gets, in order, every hint of a call ingested on A — the same events as a desktop on A", async () => {
    const [a, b] = [await instance(), await instance()];
    const [onA, onB] = [await supervisor(a.port), await supervisor(b.port)];
    const { start, chunks } = CALL;
    const callId = `${start.callId}-ab`;
    const p = new Producer({
      url: `ws://127.0.0.1:${a.port}`,
      token: await signToken({ role: "ingest", tenant: TENANT }, SECRET),
    });
    p.startCall(callId, { language: start.language, meta: start.meta });
    for (const c of chunks) p.chunk({ ...c, callId });
    const summary = await p.endCall(callId);
    expect(withoutOffset(summary as unknown as Msg)).toEqual({ ...offlineSummary(start, chunks), callId });
    await onB.next((m) => m.type === "summary" && m.callId === callId, 10_000);
    const seenB = eventsOf(onB, callId);
    expect(seenB.length).toBeGreaterThan(2);
    expect(seenB.map((e) => e.offset)).toEqual(seenB.map((_e, i) => i + 1));
    expect(seenB).toEqual(eventsOf(onA, callId));
    // The call ended on A: starting it again on B is refused as such, not opened a second time.
    const again = await open(b.port, "/v1/ingest", "ingest");
    again.send({ ...start, callId });
    expect((await again.next((m) => m.type === "error")).code).toBe("CC_ERR_CALL_ENDED");
    p.close();
    for (const c of [onA, onB, again]) c.ws.close();
  }, 30_000);

  it("kill -9 of A mid-call: the producer resumes on B, which rebuilds the call from the broker; nothing acknowledged is lost", async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = await supervisor(b.port);
    const run = await streamUntil([a.port, b.port], "kill");
    const { callId } = run;
    await stopProcess(a.child);
    // The same analysis as an uninterrupted run: the chunks acknowledged by A were all in the shared log.
    await run.finish();
    expect(await metric(b.port, "callcue_calls_taken_over_total")).toBe(1);
    const log = new Redis(redisPort);
    const key = `callcue:log:${TENANT}:${encodeURIComponent(callId)}`;
    const seqs = (await log.lrange(key, 1, -1)).map((r) => (JSON.parse(r) as ChunkMessage).seq);
    await log.quit();
    expect(seqs).toEqual(CALL.chunks.map((c) => c.seq));
    // The desktop on B saw the call through the hand-over: offsets consecutive, none twice.
    await onB.next((m) => m.type === "summary" && m.callId === callId, 10_000);
    const seen = eventsOf(onB, callId);
    expect(seen.map((e) => e.offset)).toEqual(seen.map((_e, i) => i + 1));
    onB.ws.close();
  }, 60_000);

  it("SIGTERM of A mid-call hands the call over: the producer resumes on B and the call goes on", async () => {
    const [a, b] = [await instance(), await instance()];
    const run = await streamUntil([a.port, b.port], "term");
    await stopProcess(a.child, "SIGTERM");
    expect(a.child.exitCode).toBe(0);
    await run.finish();
    expect(await metric(b.port, "callcue_calls_taken_over_total")).toBe(1);
  }, 30_000);

  it("a call whose owner died and whose producer never returns is ended, when idle, by another instance", async () => {
    const idle = ["--idle-call-ms", "1500"];
    const [a, b] = [await instance(redisPort, idle), await instance(redisPort, idle)];
    const onB = await supervisor(b.port);
    const run = await streamUntil([a.port], "orphan");
    run.producer.close();
    await stopProcess(a.child);
    const summary = await onB.next((m) => m.type === "summary" && m.callId === run.callId, 15_000);
    expect(withoutOffset(summary)).toEqual({ ...offlineSummary(CALL.start, run.sent), callId: run.callId });
    onB.ws.close();
  }, 30_000);

  it("B's link to the broker cut for 5 s: the gap is detected and filled, in order", async () => {
    const link = new FaultyLink(redisPort);
    await link.listen();
    try {
      const a = await instance();
      const b = await instance(link.port);
      const [onA, onB] = [await supervisor(a.port), await supervisor(b.port)];
      const run = await streamUntil([a.port], "cut", 1 / 3);
      const { callId } = run;
      await onB.next((m) => m.type === "hint" && m.callId === callId, 10_000);
      link.sever();
      // What was already on the wire settles; from here nothing reaches B until the link is back.
      await new Promise((r) => setTimeout(r, 300));
      const before = eventsOf(onB, callId).length;
      const summary = await run.finish();
      await onA.next((m) => m.type === "summary" && m.callId === callId, 10_000);
      expect(eventsOf(onA, callId).length).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, 5000));
      // Nothing reached B while the link was down.
      expect(eventsOf(onB, callId).length).toBe(before);
      link.restore();
      await onB.next((m) => m.type === "summary" && m.callId === callId, 15_000);
      const seen = eventsOf(onB, callId);
      expect(seen.map((e) => e.offset)).toEqual(seen.map((_e, i) => i + 1));
      expect(seen).toEqual(eventsOf(onA, callId));
      expect(withoutOffset(seen.at(-1) as Msg)).toEqual(summary);
      expect(await metric(b.port, "callcue_broker_gap_events_total", '{outcome="filled"}')).toBeGreaterThan(
        0,
      );
      onA.ws.close();
      onB.ws.close();
    } finally {
      link.close();
    }
  }, 60_000);
});
