// Load and soak (RELIABILITY items 21 and 22): `node bench/soak.js [--minutes 30] [--streams 200] [--rate 5] [--subscribers 2000] [--workers N] [--cpu-prof DIR]`.
// The server runs in its own process with its defaults (SQLite store). STREAMS calls stream at
// RATE chunks/s, each fixture call replaced by the next as it ends; SUBSCRIBERS agent desktops
// follow their agent's calls. Every 10 s: RSS, open file descriptors, event-loop p99 (from
// /metrics), ingest→hint latency. At the end: latency p99/p99.9, errors, the RSS slope over the
// second half, and file descriptors once the load is gone against the idle baseline.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { Producer } from "../dist/client/producer.js";
import { signToken } from "../dist/transport/auth.js";
import { fixtureCalls } from "./corpus.js";
import { memoryAndFds } from "./proc.js";

const flag = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const MINUTES = flag("--minutes", 30);
const STREAMS = flag("--streams", 200);
const RATE = flag("--rate", 5);
const SUBSCRIBERS = flag("--subscribers", 2000);
const WORKERS = flag("--workers", 1);
const SECRET = "soak-secret-soak-secret-soak-secret";
/** `--cpu-prof DIR`: the server writes a V8 CPU profile there when it stops. */
const PROFILE = process.argv.includes("--cpu-prof")
  ? process.argv[process.argv.indexOf("--cpu-prof") + 1]
  : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sign = (claims) => signToken(claims, SECRET, 12 * 3600);

const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = spawn(
  process.execPath,
  [
    ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`] : []),
    "bin/callcue.js",
    "serve",
    "--port",
    String(port),
    "--data-dir",
    mkdtempSync(join(tmpdir(), "callcue-soak-")),
    "--secret",
    SECRET,
    "--log-level",
    "warn",
    "--max-connections-per-tenant",
    "100000",
    "--workers",
    String(WORKERS),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise((resolve) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    if (out.includes("listening on")) resolve();
  });
});
await sleep(1000);
const idle = memoryAndFds(server.pid);

const calls = fixtureCalls();
const ingest = await sign({ role: "ingest", tenant: "soak" });
const producers = Array.from(
  { length: Math.max(1, Math.ceil(STREAMS / 50)) },
  () => new Producer({ url: `ws://127.0.0.1:${port}`, token: ingest }),
);
const sent = new Map();
const latencies = [];
let errors = 0;
let hints = 0;
for (const p of producers) p.on("error", () => errors++);

// Agent desktops, each following its agent's calls as they start.
const subscribers = [];
for (let i = 0; i < SUBSCRIBERS; i++) {
  const token = await sign({ role: "agent", tenant: "soak", agentId: `a-${i}` });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/subscribe`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await new Promise((r, j) => {
    ws.once("open", r);
    ws.once("error", j);
  });
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    if (m.type === "error") errors++;
    if (m.type !== "hint") return;
    hints++;
    const t = sent.get(`${m.callId}#${m.seq}`);
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  ws.send(JSON.stringify({ type: "subscribe", agentId: `a-${i}` }));
  subscribers.push(ws);
}

let running = true;
let started = 0;
/** One stream: fixture calls back to back at RATE chunks/s. */
async function stream(s) {
  const p = producers[s % producers.length];
  while (running) {
    const n = started++;
    const { start, chunks } = calls[n % calls.length];
    const callId = `soak-${n}`;
    p.startCall(callId, { language: start.language, meta: { agentId: `a-${n % Math.max(1, SUBSCRIBERS)}` } });
    for (const c of chunks) {
      if (!running) break;
      sent.set(`${callId}#${c.seq}`, performance.now());
      p.chunk({ ...c, callId });
      await sleep(1000 / RATE);
    }
    await p.endCall(callId);
    for (const c of chunks) sent.delete(`${callId}#${c.seq}`);
  }
}
const streams = Array.from({ length: STREAMS }, (_, s) => sleep((s * 1000) / STREAMS).then(() => stream(s)));

const samples = [];
const t0 = Date.now();
while (Date.now() - t0 < MINUTES * 60_000) {
  await sleep(10_000);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const loop =
    Number(metrics.match(/^callcue_event_loop_delay_p99_seconds (\S+)/m)?.[1] ?? Number.NaN) * 1000;
  const window = latencies.splice(0).sort((a, b) => a - b);
  const q = (p) => window[Math.min(window.length - 1, Math.floor(p * window.length))] ?? Number.NaN;
  const s = {
    minute: (Date.now() - t0) / 60_000,
    ...memoryAndFds(server.pid),
    loopP99: loop,
    hintP99: q(0.99),
    hintP999: q(0.999),
    hints: window.length,
    errors,
  };
  samples.push({ ...s, all: window });
  console.log(
    `${s.minute.toFixed(1).padStart(5)} min  rss ${s.rss.toFixed(0)} MB  fds ${s.fds}  loop p99 ${loop.toFixed(1)} ms  hint p99/p99.9 ${s.hintP99.toFixed(1)}/${s.hintP999.toFixed(1)} ms  errors ${errors}`,
  );
}
running = false;
await Promise.all(streams);
for (const p of producers) p.close();
for (const ws of subscribers) ws.close();
await sleep(3000);
const after = memoryAndFds(server.pid);
server.kill("SIGTERM");

// RSS slope (MB/min) over the second half, by least squares.
const half = samples.slice(Math.floor(samples.length / 2));
const mx = half.reduce((a, s) => a + s.minute, 0) / half.length;
const my = half.reduce((a, s) => a + s.rss, 0) / half.length;
const slope =
  half.reduce((a, s) => a + (s.minute - mx) * (s.rss - my), 0) /
  half.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
const all = samples.flatMap((s) => s.all).sort((a, b) => a - b);
const q = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))];
const result = {
  date: new Date().toISOString(),
  minutes: MINUTES,
  streams: STREAMS,
  rate: RATE,
  subscribers: SUBSCRIBERS,
  workers: WORKERS,
  hints,
  errors,
  hintP99Ms: q(0.99),
  hintP999Ms: q(0.999),
  loopP99MaxMs: Math.max(...samples.map((s) => s.loopP99)),
  rssSlopeMbPerMin: slope,
  rssMb: { idle: idle.rss, end: samples.at(-1)?.rss },
  fds: { idle: idle.fds, peak: Math.max(...samples.map((s) => s.fds)), afterLoad: after.fds },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  `bench/results/soak-${result.date.slice(0, 10)}-${hostname()}.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
process.exit(0);
