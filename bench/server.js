// Server scenarios: `node bench/server.js [--quick] [--short] [--store-none] [--workers N] [--redis] [--scale]`.
// The server runs in its own process(es); this process is the load generator. The same chunk frames
// go to a bare `ws` echo server in the same run (the baseline), so the figures are ratios.
// --workers N: `serve --workers N`; --redis: a redis-server of its own as the broker;
// --instances 2: two instances over that Redis, producers on one and desktops on the other;
// --scale: saturating throughput (acked chunks/s) with 1 and 2 workers instead of the sweep.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { signToken } from "../dist/transport/auth.js";
import { makeCorpus } from "./corpus.js";
import { cpuSeconds, ownCpuSeconds } from "./proc.js";

const quick = process.argv.includes("--quick");
const flag = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECRET = "bench-secret-bench-secret-bench-secret";
const RATE = 4; // chunks per second per call
const DURATION_S = quick ? 6 : 15;
const SWEEP = flag("--calls")
  ? flag("--calls").split(",").map(Number)
  : quick
    ? [250, 1000]
    : process.argv.includes("--short")
      ? [1000, 2000, 3000]
      : [500, 1000, 2000, 3000, 4000, 5000];
const CALLS_PER_CONNECTION = 50;
/** `--store none` measures the server without its SQLite store (memory only). */
const STORE = process.argv.includes("--store-none") ? "none" : "sqlite";
const WORKERS = Number(flag("--workers") ?? 1);
const REDIS = process.argv.includes("--redis") || flag("--instances") !== undefined;
const INSTANCES = Number(flag("--instances") ?? 1);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function q(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : Number.NaN;
}

async function startChild(args, readyPattern) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 15_000);
    child.stdout.on("data", (d) => {
      out += d;
      if (readyPattern.test(out)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
  });
  return { child, port: Number(out.match(readyPattern)[1]) };
}

const sign = (claims) => signToken(claims, SECRET, 2 * 3600);

function open(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** Streams `calls` calls at RATE chunks/s for DURATION_S; returns latency and CPU figures. */
let step = 0;
async function drive({ port, subPort = port, pid, calls, withAnalysis }) {
  const corpus = makeCorpus(calls * RATE * DURATION_S + calls, { seed: 11, calls });
  const byCall = new Map();
  step++;
  for (const m of corpus.messages) {
    // Fresh call ids for every step of the sweep: earlier calls are still ended on the same server.
    m.callId = `s${step}-${m.callId}`;
    const list = byCall.get(m.callId) ?? [];
    list.push(m);
    byCall.set(m.callId, list);
  }
  const ingestToken = await sign({ role: "ingest", tenant: "bench" });
  const supervisorToken = await sign({ role: "supervisor", tenant: "bench" });
  const base = `ws://127.0.0.1:${port}`;
  const producers = [];
  for (let i = 0; i < Math.ceil(calls / CALLS_PER_CONNECTION); i++)
    producers.push(
      await open(withAnalysis ? `${base}/v1/ingest` : base, { authorization: `Bearer ${ingestToken}` }),
    );
  const sent = new Map();
  const ackLat = [];
  const hintLat = [];
  let acks = 0;
  let hints = 0;
  let errors = 0;
  const errorCodes = {};
  for (const p of producers) {
    p.on("message", (data) => {
      const s = String(data);
      if (!withAnalysis) {
        const m = JSON.parse(s);
        const t = sent.get(`${m.callId}#${m.seq}`);
        if (t !== undefined) ackLat.push(performance.now() - t);
        acks++;
        return;
      }
      const m = JSON.parse(s);
      if (m.type === "ack") {
        const t = sent.get(`${m.callId}#${m.seq}`);
        if (t !== undefined) ackLat.push(performance.now() - t);
        acks++;
      } else if (m.type === "error") {
        errors++;
        errorCodes[m.code] = (errorCodes[m.code] ?? 0) + 1;
      }
    });
  }
  const ids = [...byCall.keys()];
  const subscribers = [];
  if (withAnalysis) {
    for (const [i, id] of ids.entries())
      producers[Math.floor(i / CALLS_PER_CONNECTION)].send(
        JSON.stringify({ type: "start", callId: id, language: "zh-Hans" }),
      );
    await sleep(500);
    for (const id of ids) {
      const s = await open(`ws://127.0.0.1:${subPort}/v1/subscribe`, {
        authorization: `Bearer ${supervisorToken}`,
      });
      s.on("message", (data) => {
        const m = JSON.parse(String(data));
        if (m.type !== "hint") return;
        const t = sent.get(`${m.callId}#${m.seq}`);
        if (t !== undefined) hintLat.push(performance.now() - t);
        hints++;
      });
      s.send(JSON.stringify({ type: "subscribe", callId: id }));
      subscribers.push(s);
    }
    await sleep(300);
  }
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let messages = 0;
  // Each call sends one chunk every 1/RATE s, calls spread evenly over the interval.
  const tickMs = 10;
  const perTick = (calls * RATE * tickMs) / 1000;
  let budget = 0;
  let cursor = 0;
  const next = new Map(ids.map((id) => [id, 0]));
  while (performance.now() - t0 < DURATION_S * 1000) {
    budget += perTick;
    while (budget >= 1) {
      budget--;
      const id = ids[cursor % ids.length];
      cursor++;
      const k = next.get(id);
      const m = byCall.get(id)[k];
      if (!m) continue;
      next.set(id, k + 1);
      sent.set(`${id}#${m.seq}`, performance.now());
      producers[Math.floor(ids.indexOf(id) / CALLS_PER_CONNECTION)].send(JSON.stringify(m));
      messages++;
    }
    await sleep(tickMs);
  }
  await sleep(1000);
  const cpu = cpuSeconds(pid) - cpu0;
  if (withAnalysis)
    for (const [i, id] of ids.entries())
      producers[Math.floor(i / CALLS_PER_CONNECTION)].send(JSON.stringify({ type: "end", callId: id }));
  await sleep(300);
  for (const s of [...producers, ...subscribers]) s.terminate();
  ackLat.sort((a, b) => a - b);
  hintLat.sort((a, b) => a - b);
  return {
    calls,
    messages,
    acks,
    hints,
    errors,
    errorCodes,
    cpuUsPerMessage: (cpu * 1e6) / messages,
    ackP50: q(ackLat, 0.5),
    ackP99: q(ackLat, 0.99),
    hintP50: q(hintLat, 0.5),
    hintP99: q(hintLat, 0.99),
  };
}

const echoScript = `
import { WebSocketServer } from "ws";
const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
wss.on("listening", () => console.log("ready " + wss.address().port));
wss.on("connection", (ws) => ws.on("message", (d) => ws.send(d, { binary: false })));
`;

/** `callcue serve` with the bench's limits; `workers` > 1 forks that many on one port. */
async function startServe({ workers, broker }) {
  const port = await freePort();
  const args = [
    "bin/callcue.js",
    "serve",
    "--port",
    String(port),
    "--data-dir",
    mkdtempSync(join(tmpdir(), "callcue-bench-")),
    "--secret",
    SECRET,
    "--log-level",
    "warn",
    "--max-messages-per-second",
    "1000000",
    "--max-calls-per-connection",
    "100000",
    "--max-connections-per-tenant",
    "100000",
    "--store",
    STORE,
    "--workers",
    String(workers),
  ];
  if (broker) args.push("--broker", broker);
  const { child } = await startChild(args, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  return { child, port };
}

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  await new Promise((resolve) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
  });
  return { child, url: `redis://127.0.0.1:${port}` };
}

const ACK = Buffer.from('"type":"ack"');
const ERROR = Buffer.from('"type":"error"');

/**
 * Saturating throughput: 8 connections × 50 calls, each connection keeping
 * WINDOW chunks unacknowledged; acked chunks per second after a warm-up.
 */
async function saturate({ port, pid, withAnalysis, seconds = quick ? 6 : 12 }) {
  const CONNS = 8;
  const CALLS = 50;
  const WINDOW = Number(flag("--window") ?? 256);
  // Enough for 80k chunks/s over the run, so no call runs dry while measured.
  const corpus = makeCorpus((seconds + 4) * 80_000, { seed: 5, calls: CONNS * CALLS });
  const byCall = new Map();
  step++;
  // Frames are encoded once, and replies are classified without parsing: the generator must not be the bound.
  for (const m of corpus.messages) {
    m.callId = `x${step}-${m.callId}`;
    const list = byCall.get(m.callId) ?? [];
    list.push(Buffer.from(JSON.stringify(m)));
    byCall.set(m.callId, list);
  }
  const ids = [...byCall.keys()];
  const token = await sign({ role: "ingest", tenant: "bench" });
  const base = `ws://127.0.0.1:${port}`;
  let acked = 0;
  let errors = 0;
  const conns = [];
  for (let c = 0; c < CONNS; c++) {
    const ws = await open(withAnalysis ? `${base}/v1/ingest` : base, { authorization: `Bearer ${token}` });
    const calls = ids.filter((_id, i) => i % CONNS === c);
    const state = { ws, calls, cursor: 0, next: new Map(calls.map((id) => [id, 0])), inflight: 0 };
    const pump = () => {
      while (state.inflight < WINDOW && state.calls.length > 0) {
        const at = state.cursor++ % state.calls.length;
        const id = state.calls[at];
        const k = state.next.get(id);
        const m = byCall.get(id)[k];
        if (!m) {
          state.calls.splice(at, 1);
          continue;
        }
        state.next.set(id, k + 1);
        state.inflight++;
        ws.send(m, { binary: false });
      }
    };
    ws.on("message", (data) => {
      if (!withAnalysis || data.includes(ACK)) {
        acked++;
        state.inflight--;
        pump();
      } else if (data.includes(ERROR)) errors++;
    });
    state.pump = pump;
    conns.push(state);
  }
  if (withAnalysis) {
    for (const c of conns)
      for (const id of c.calls) c.ws.send(JSON.stringify({ type: "start", callId: id, language: "zh-Hans" }));
    await sleep(1000);
  }
  for (const c of conns) c.pump();
  await sleep(2000); // warm-up
  const a0 = acked;
  const t0 = performance.now();
  const own0 = process.cpuUsage();
  const cpu0 = cpuSeconds(pid);
  const primary0 = ownCpuSeconds(pid);
  await sleep(seconds * 1000);
  const primary = ownCpuSeconds(pid) - primary0;
  const elapsed = (performance.now() - t0) / 1000;
  const n = acked - a0;
  const own = process.cpuUsage(own0);
  const server = cpuSeconds(pid) - cpu0;
  for (const c of conns) c.ws.terminate();
  return {
    chunksPerSecond: n / elapsed,
    errors,
    // Cores busy: the server (all its processes) and this generator.
    serverCores: server / elapsed,
    primaryCores: primary / elapsed,
    generatorCores: (own.user + own.system) / 1e6 / elapsed,
    serverUsPerChunk: (server * 1e6) / n,
  };
}

const echo = await startChild(["--input-type=module", "-e", echoScript], /ready (\d+)/);
const redis = REDIS ? await startRedis() : undefined;
try {
  if (process.argv.includes("--scale")) {
    const line = (r) =>
      `server ${r.serverCores.toFixed(2)} cores (primary ${r.primaryCores.toFixed(2)}), ${r.serverUsPerChunk.toFixed(1)} µs CPU/chunk; generator ${r.generatorCores.toFixed(2)} cores`;
    const e = await saturate({ port: echo.port, pid: echo.child.pid, withAnalysis: false });
    console.log(`echo (1 process): ${Math.round(e.chunksPerSecond)} frames/s; ${line(e)}`);
    const figures = {};
    for (const workers of [1, 2]) {
      const server = await startServe({ workers, broker: redis?.url });
      try {
        const r = await saturate({ port: server.port, pid: server.child.pid, withAnalysis: true });
        figures[workers] = r.chunksPerSecond;
        console.log(
          `callcue --workers ${workers}${redis ? " --broker redis" : ""} (store ${STORE}): ${Math.round(r.chunksPerSecond)} acked chunks/s, ${r.errors} errors; ${line(r)}`,
        );
      } finally {
        server.child.kill("SIGTERM");
        await sleep(1500);
      }
    }
    console.log(`1 → 2 workers: ${(figures[2] / figures[1]).toFixed(2)}×`);
  } else {
    const server = await startServe({ workers: WORKERS, broker: redis?.url });
    // --instances 2 (with --redis): producers on one instance, every desktop on the other.
    const other = INSTANCES > 1 ? await startServe({ workers: WORKERS, broker: redis?.url }) : undefined;
    try {
      for (const calls of SWEEP) {
        const base = await drive({ port: echo.port, pid: echo.child.pid, calls, withAnalysis: false });
        const real = await drive({
          port: server.port,
          subPort: other?.port,
          pid: server.child.pid,
          calls,
          withAnalysis: true,
        });
        const ok = real.hintP99 <= 20 && real.errors === 0;
        console.log(
          `${String(calls).padStart(5)} calls × ${RATE}/s: echo ${base.cpuUsPerMessage.toFixed(1)} µs/msg, callcue ${real.cpuUsPerMessage.toFixed(1)} µs/msg (${(real.cpuUsPerMessage / base.cpuUsPerMessage).toFixed(2)}×), ack p50/p99 ${real.ackP50.toFixed(2)}/${real.ackP99.toFixed(2)} ms, hint p50/p99 ${real.hintP50.toFixed(2)}/${real.hintP99.toFixed(2)} ms, ${real.hints} hints, ${real.errors} errors ${JSON.stringify(real.errorCodes)} ${ok ? "" : "(over the 20 ms goal)"}`,
        );
      }
    } finally {
      server.child.kill("SIGTERM");
      other?.child.kill("SIGTERM");
    }
  }
} finally {
  echo.child.kill();
  redis?.child.kill();
}
